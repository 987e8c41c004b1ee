namespace ScenarioStudio.Organisations;

/// <summary>The one role a member holds in their organisation (PRODUCT.md §5).</summary>
public enum OrgRole
{
    Admin,
    ContentManager,
    Reviewer,
    Manager,
    Learner,
}

public static class OrgRoles
{
    public static readonly OrgRole[] All = Enum.GetValues<OrgRole>();

    public static string DisplayName(this OrgRole role) => role switch
    {
        OrgRole.ContentManager => "Content manager",
        _ => role.ToString(),
    };
}

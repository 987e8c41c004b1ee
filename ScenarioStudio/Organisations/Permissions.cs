using Microsoft.AspNetCore.Authorization;

namespace ScenarioStudio.Organisations;

/// <summary>Everything a service may be asked to do that not every role may do.</summary>
public enum Permission
{
    ManageMembers,
    ManageOrganisation,
    ManageTeams,
    ViewTeams,
    CreateScenario,
    UpdateScenario,
    DeleteScenario,
    PublishScenario,
    ReviewScenario,
    RunRubricTests,
    ViewTeamProgress,
    Practise,
    CommentOnScenario,
    ResolveComments,
    ModerateComments,
    ReadAuditLog,
    ExportScenarios,
    ImportScenarios,
    ManageCategories,
    ManagePrograms,
    RunExperiments,
}

/// <summary>The one authorisation helper: the PRODUCT.md §5 table, checked first in every service method.</summary>
public static class Permissions
{
    private static readonly Dictionary<Permission, OrgRole[]> Table = new()
    {
        [Permission.ManageMembers] = [OrgRole.Admin],
        [Permission.ManageOrganisation] = [OrgRole.Admin],
        [Permission.ManageTeams] = [OrgRole.Admin],
        [Permission.ViewTeams] = [OrgRole.Admin, OrgRole.Manager],
        [Permission.CreateScenario] = [OrgRole.Admin, OrgRole.ContentManager],
        [Permission.UpdateScenario] = [OrgRole.Admin, OrgRole.ContentManager],
        [Permission.DeleteScenario] = [OrgRole.Admin],
        [Permission.PublishScenario] = [OrgRole.Admin, OrgRole.Reviewer],
        [Permission.ReviewScenario] = [OrgRole.Admin, OrgRole.Reviewer],
        // Whoever writes or approves a scenario checks the coach against its sample answers.
        [Permission.RunRubricTests] = [OrgRole.Admin, OrgRole.ContentManager, OrgRole.Reviewer],
        [Permission.ViewTeamProgress] = [OrgRole.Admin, OrgRole.Manager],
        [Permission.Practise] = OrgRoles.All,
        // Comments are the staff's conversation about a scenario they can read: learners and managers practise and watch.
        [Permission.CommentOnScenario] = [OrgRole.Admin, OrgRole.ContentManager, OrgRole.Reviewer],
        // Besides the thread's author, who writes or reviews scenarios may close and reopen any thread.
        [Permission.ResolveComments] = [OrgRole.Admin, OrgRole.ContentManager, OrgRole.Reviewer],
        // Deleting someone else's comment.
        [Permission.ModerateComments] = [OrgRole.Admin],
        [Permission.ReadAuditLog] = [OrgRole.Admin],
        // Scenario files carry the ideal responses and rubrics: the people who write and review scenarios move them.
        [Permission.ExportScenarios] = [OrgRole.Admin, OrgRole.ContentManager, OrgRole.Reviewer],
        [Permission.ImportScenarios] = [OrgRole.Admin, OrgRole.ContentManager],
        // The category list is shared by every creator: Admins keep it tidy.
        [Permission.ManageCategories] = [OrgRole.Admin],
        // Programs are built by those who run practice (Managers) and those who write it (Content managers); giving one to a
        // team takes ViewTeamProgress and leading the team.
        [Permission.ManagePrograms] = [OrgRole.Admin, OrgRole.Manager, OrgRole.ContentManager],
        // A/B tests of scenario variants: the people who write scenarios run them and keep the winner.
        [Permission.RunExperiments] = [OrgRole.Admin, OrgRole.ContentManager],
    };

    public static IReadOnlyList<OrgRole> RolesFor(Permission permission) => Table[permission];

    /// <summary>
    /// One authorisation policy per permission, named after it, from the same table: pages and navigation use
    /// <c>[Authorize(Policy = nameof(Permission.X))]</c> and <c>&lt;AuthorizeView Policy=…&gt;</c>, never role names.
    /// </summary>
    public static AuthorizationOptions AddPermissionPolicies(this AuthorizationOptions options)
    {
        foreach (var permission in Enum.GetValues<Permission>())
            options.AddPolicy(permission.ToString(), policy => policy.RequireAuthenticatedUser().RequireRole(RolesFor(permission).Select(r => r.ToString())));
        return options;
    }

    public static bool Can(this Caller caller, Permission permission) => Table[permission].Contains(caller.Role);

    public static bool Can(this OrgRole role, Permission permission) => Table[permission].Contains(role);

    public static Caller Require(this Caller caller, Permission permission) =>
        caller.Can(permission)
            ? caller
            : throw new ForbiddenException($"Your role ({caller.Role.DisplayName()}) may not do this.");

    /// <summary>The current caller, checked for a permission: the first line of every guarded service method.</summary>
    public static async Task<Caller> RequireAsync(this CurrentUser user, Permission permission, CancellationToken ct = default) =>
        (await user.GetAsync(ct)).Require(permission);
}

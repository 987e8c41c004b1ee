namespace ScenarioStudio.Audit;

/// <summary>The subject kinds services record, so the audit page can link and filter by them.</summary>
public static class AuditSubjects
{
    public const string Scenario = "Scenario";
    public const string Member = "Member";
    public const string Team = "Team";
    public const string Invitation = "Invitation";
    public const string Organisation = "Organisation";
    public const string AiSettings = "AI settings";
    public const string Assignment = "Assignment";
    public const string Program = "Program";
    public const string Enrolment = "Enrolment";
    public const string Session = "Session";
    public const string Report = "Report";
    public const string Category = "Category";
    public const string AuditLog = "Audit log";
}

public static class AuditLabels
{
    /// <summary>An action as the audit page and its export say it.</summary>
    public static string Action(AuditAction action) => action switch
    {
        AuditAction.StatusChange => "Status change",
        AuditAction.RequestChanges => "Changes requested",
        AuditAction.RoleChange => "Role change",
        AuditAction.TeamChange => "Team change",
        AuditAction.AiSettingsChange => "AI settings",
        AuditAction.SettingsChange => "Settings",
        _ => action.ToString(),
    };
}

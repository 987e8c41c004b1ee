using MudBlazor;

namespace ScenarioStudio.Notifications;

/// <summary>How a notification shows: its icon and colour by kind, and its age in words.</summary>
public static class NotificationLook
{
    public static string IconOf(NotificationKind kind) => kind switch
    {
        NotificationKind.ReviewRequested => Icons.Material.Filled.RateReview,
        NotificationKind.ChangesRequested => Icons.Material.Filled.EditNote,
        NotificationKind.Approved => Icons.Material.Filled.ThumbUp,
        NotificationKind.Published => Icons.Material.Filled.Public,
        NotificationKind.Mentioned => Icons.Material.Filled.AlternateEmail,
        NotificationKind.AssignmentGiven => Icons.Material.Filled.Assignment,
        NotificationKind.AssignmentDueTomorrow => Icons.Material.Filled.Alarm,
        NotificationKind.CoachingNote => Icons.Material.Filled.SpeakerNotes,
        _ => Icons.Material.Filled.Notifications,
    };

    public static Color ColourOf(NotificationKind kind) => kind switch
    {
        NotificationKind.ChangesRequested or NotificationKind.AssignmentDueTomorrow => Color.Warning,
        NotificationKind.Approved or NotificationKind.Published => Color.Success,
        _ => Color.Primary,
    };

    /// <summary>"just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date.</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        if (age < TimeSpan.FromMinutes(1)) return "just now";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes} min ago";
        if (age < TimeSpan.FromDays(1)) return $"{(int)age.TotalHours} h ago";
        if (age < TimeSpan.FromDays(2)) return "yesterday";
        if (age < TimeSpan.FromDays(7)) return $"{(int)age.TotalDays} days ago";
        return at.ToString(at.Year == now.Year ? "d MMM" : "d MMM yyyy");
    }
}

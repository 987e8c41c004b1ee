using MudBlazor;

namespace ScenarioStudio.Schedules;

/// <summary>How an attendance status looks wherever it is shown: colour and icon, never colour alone.</summary>
public static class AttendanceBadge
{
    public static Color Colour(Attendance a) => a switch
    {
        Attendance.OnTime => Color.Success,
        Attendance.Late => Color.Warning,
        Attendance.Missed => Color.Error,
        _ => Color.Default,
    };

    public static string Icon(Attendance a) => a switch
    {
        Attendance.OnTime => Icons.Material.Filled.CheckCircle,
        Attendance.Late => Icons.Material.Filled.Schedule,
        Attendance.Missed => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Filled.HourglassEmpty,
    };
}

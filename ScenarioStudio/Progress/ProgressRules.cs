namespace ScenarioStudio.Progress;

public sealed record Achievement(string Key, string Title, string Description, DateOnly? EarnedOn)
{
    public bool Earned => EarnedOn is not null;
}

/// <summary>Levels, streaks and achievements: pure rules over a learner's completed sessions, so they are exact to test.</summary>
public static class ProgressRules
{
    /// <summary>XP needed to reach a level: 0, 100, 300, 600, 1000, 1500, … (50·L·(L−1)).</summary>
    public static int Threshold(int level) => 50 * level * (level - 1);

    public static int LevelFor(int xp)
    {
        var level = 1;
        while (Threshold(level + 1) <= xp) level++;
        return level;
    }

    /// <summary>
    /// Consecutive days with at least one completed session, counted in the learner's time zone and ending today
    /// (or yesterday: a streak is not lost until a whole day is missed).
    /// </summary>
    public static int Streak(IEnumerable<DateTimeOffset> completedAt, TimeZoneInfo zone, DateTimeOffset now)
    {
        var days = completedAt.Select(t => LocalDay(t, zone)).ToHashSet();
        var day = LocalDay(now, zone);
        if (!days.Contains(day)) day = day.AddDays(-1);
        var streak = 0;
        while (days.Contains(day))
        {
            streak++;
            day = day.AddDays(-1);
        }
        return streak;
    }

    /// <summary>The longest run of consecutive practice days ever, for the 7-day achievement.</summary>
    public static (int Length, DateOnly? ReachedSevenOn) LongestStreak(IEnumerable<DateTimeOffset> completedAt, TimeZoneInfo zone)
    {
        var days = completedAt.Select(t => LocalDay(t, zone)).Distinct().Order().ToList();
        int longest = 0, run = 0;
        DateOnly? seven = null;
        for (var i = 0; i < days.Count; i++)
        {
            run = i > 0 && days[i - 1].AddDays(1) == days[i] ? run + 1 : 1;
            longest = Math.Max(longest, run);
            if (run == 7 && seven is null) seven = days[i];
        }
        return (longest, seven);
    }

    public static DateOnly LocalDay(DateTimeOffset t, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime);

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

using ScenarioStudio.Progress;

namespace ScenarioStudio.Tests.Progress;

public sealed class ProgressRulesTests
{
    private static readonly TimeZoneInfo Tokyo = ProgressRules.Zone("Asia/Tokyo");
    private static readonly TimeZoneInfo London = ProgressRules.Zone("Europe/London");

    [Theory]
    [InlineData(0, 1)]
    [InlineData(99, 1)]
    [InlineData(100, 2)]
    [InlineData(299, 2)]
    [InlineData(300, 3)]
    [InlineData(1000, 5)]
    public void Levels_follow_the_thresholds(int xp, int level) => Assert.Equal(level, ProgressRules.LevelFor(xp));

    [Fact]
    public void A_streak_counts_consecutive_local_days_ending_today_or_yesterday()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset Day(int back) => now.AddDays(-back);
        Assert.Equal(3, ProgressRules.Streak([Day(0), Day(1), Day(2), Day(4)], TimeZoneInfo.Utc, now));
        Assert.Equal(2, ProgressRules.Streak([Day(1), Day(2)], TimeZoneInfo.Utc, now)); // not broken until a whole day is missed
        Assert.Equal(0, ProgressRules.Streak([Day(2), Day(3)], TimeZoneInfo.Utc, now));
        Assert.Equal(1, ProgressRules.Streak([Day(0), Day(0).AddHours(-1)], TimeZoneInfo.Utc, now)); // two sessions, one day
    }

    [Fact]
    public void Streak_days_are_the_learners_own_calendar_days()
    {
        // 23:30 UTC on the 18th is already the 19th in Tokyo; 00:30 UTC on the 20th is the 20th in both.
        var late = new DateTimeOffset(2026, 11, 18, 23, 30, 0, TimeSpan.Zero);
        var early = new DateTimeOffset(2026, 11, 20, 0, 30, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(2, ProgressRules.Streak([late, early], Tokyo, now));   // 19th, 20th in Tokyo
        Assert.Equal(1, ProgressRules.Streak([late, early], TimeZoneInfo.Utc, now)); // 18th, 20th in UTC: a gap
    }

    [Fact]
    public void The_clock_change_does_not_break_a_london_streak()
    {
        // British Summer Time ends on 25 October 2026: that day has 25 hours.
        var days = Enumerable.Range(0, 7).Select(i => new DateTimeOffset(2026, 10, 22 + i, 22, 30, 0, TimeSpan.Zero)).ToList();
        var (length, seven) = ProgressRules.LongestStreak(days, London);
        Assert.Equal(7, length);
        Assert.Equal(new DateOnly(2026, 10, 28), seven);
        Assert.Equal(new DateOnly(2026, 10, 22), ProgressRules.LocalDay(days[0], London)); // 23:30 BST is still the 22nd
    }

    [Fact]
    public void An_unknown_time_zone_falls_back_to_utc() => Assert.Equal(TimeZoneInfo.Utc, ProgressRules.Zone("Mars/Olympus"));
}

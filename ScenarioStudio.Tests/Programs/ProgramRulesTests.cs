using ScenarioStudio.Programs;
using ScenarioStudio.Progress;
using ScenarioStudio.Schedules;

namespace ScenarioStudio.Tests.Programs;

public sealed class ProgramRulesTests
{
    private static readonly TimeZoneInfo London = ProgressRules.Zone("Europe/London");
    private static readonly TimeZoneInfo NewYork = ProgressRules.Zone("America/New_York");
    private static readonly TimeZoneInfo Tokyo = ProgressRules.Zone("Asia/Tokyo");
    private static readonly DateOnly Start = new(2026, 11, 2);

    private static ProgramDayPlan Day(UnlockRule unlock, int minScore = 0, params int[] scenarios) =>
        new() { Theme = "Theme", Unlock = unlock, MinScore = minScore, ScenarioIds = scenarios.Length == 0 ? [1] : [.. scenarios] };

    private static CountedSession Session(DateTimeOffset at, int scenario = 1, int score = 80, int? version = null) =>
        new(Guid.NewGuid(), scenario, version, score, at);

    private static DateTimeOffset Utc(int day, int hour, int month = 11) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_instant_is_on_time_in_New_York_and_late_in_London_and_Tokyo()
    {
        // 03:00 UTC on 3 November is 22:00 on the 2nd in New York, 03:00 on the 3rd in London, 12:00 on the 3rd in Tokyo.
        var doneAt = Utc(3, 3);
        Assert.Equal(DayStatus.Done, ProgramRules.Classify(Start, doneAt, NewYork, Start.AddDays(1), open: true));
        Assert.Equal(DayStatus.Late, ProgramRules.Classify(Start, doneAt, London, Start.AddDays(1), open: true));
        Assert.Equal(DayStatus.Late, ProgramRules.Classify(Start, doneAt, Tokyo, Start.AddDays(1), open: true));
    }

    [Fact]
    public void On_a_day_with_team_practice_times_a_session_inside_a_window_is_on_time_and_outside_it_late()
    {
        // The team meets Mondays and Wednesdays at 09:00 London for an hour; 2 November 2026 is a Monday (GMT), the 3rd a Tuesday.
        var slot = new SlotRule(Guid.NewGuid(), PracticeDays.Monday | PracticeDays.Wednesday, new TimeOnly(9, 0), "Europe/London", 60,
            Utc(1, 0));
        var windows = ProgramRules.WindowsFor([slot], Start, 3);
        Assert.NotNull(windows);
        Assert.Equal(DayStatus.Done, ProgramRules.Classify(Start, Utc(2, 9).AddMinutes(30), London, Start.AddDays(1), true, windows));
        Assert.Equal(DayStatus.Late, ProgramRules.Classify(Start, Utc(2, 15), London, Start.AddDays(1), true, windows));
        // Tuesday has no practice time: any time of its date is on time; the next day is late as without a schedule.
        Assert.Equal(DayStatus.Done, ProgramRules.Classify(Start.AddDays(1), Utc(3, 18), London, Start.AddDays(2), true, windows));
        Assert.Equal(DayStatus.Late, ProgramRules.Classify(Start.AddDays(1), Utc(4, 9), London, Start.AddDays(2), true, windows));
        // A learner in Tokyo on the London team: the window is 18:00–19:00 their time on the same Monday.
        Assert.Equal(DayStatus.Done, ProgramRules.Classify(Start, Utc(2, 9).AddMinutes(45), Tokyo, Start.AddDays(1), true, windows));
        Assert.Equal(DayStatus.Late, ProgramRules.Classify(Start, Utc(2, 11), Tokyo, Start.AddDays(1), true, windows));
        // Without a schedule the same afternoon session is on time.
        Assert.Null(ProgramRules.WindowsFor([], Start, 3));
        Assert.Equal(DayStatus.Done, ProgramRules.Classify(Start, Utc(2, 15), London, Start.AddDays(1), true, null));
        // Through Evaluate: day 1 done in the afternoon reads late on the grid.
        var progress = ProgramRules.Evaluate([Day(UnlockRule.OnDate)], Start, [], [Session(Utc(2, 15))], London, Utc(3, 8), windows);
        Assert.Equal(DayStatus.Late, progress[0].Status);
    }

    [Fact]
    public void A_day_not_done_is_locked_upcoming_due_or_missed_by_its_date_and_whether_it_is_open()
    {
        Assert.Equal(DayStatus.Locked, ProgramRules.Classify(Start.AddDays(2), null, London, Start, open: false));
        Assert.Equal(DayStatus.Upcoming, ProgramRules.Classify(Start.AddDays(2), null, London, Start, open: true));
        Assert.Equal(DayStatus.DueToday, ProgramRules.Classify(Start, null, London, Start, open: true));
        Assert.Equal(DayStatus.Missed, ProgramRules.Classify(Start, null, London, Start.AddDays(1), open: true));
        // A self-paced day whose date passed while it was still locked is missed too: the manager needs to see it.
        Assert.Equal(DayStatus.Missed, ProgramRules.Classify(Start, null, London, Start.AddDays(1), open: false));
    }

    [Fact]
    public void Days_on_dates_open_at_local_midnight_and_sessions_before_a_day_opened_do_not_count_for_it()
    {
        var days = new[] { Day(UnlockRule.OnDate), Day(UnlockRule.OnDate), Day(UnlockRule.OnDate) };
        // Learner in New York: day 2 (3 Nov) opens at 05:00 UTC on 3 Nov.
        // Sessions at 10:00 and 23:00 on 2 November, New York time; it is now 23:30 there.
        var sessions = new[] { Session(Utc(2, 15)), Session(Utc(3, 4)) };
        var at = ProgramRules.Evaluate(days, Start, [], sessions, NewYork, Utc(3, 4).AddMinutes(30));
        Assert.Equal((DayStatus.Done, Utc(2, 15)), (at[0].Status, at[0].DoneAt!.Value));
        Assert.Equal((DayStatus.Locked, "Opens on Tue 3 Nov"), (at[1].Status, at[1].LockedBecause));
        Assert.Equal(DayStatus.Locked, at[2].Status);

        // Day 2 opened at 05:00 UTC: the 04:00 session was before, the 14:00 one counts.
        var later = ProgramRules.Evaluate(days, Start, [], [.. sessions, Session(Utc(3, 14))], NewYork, Utc(3, 15));
        Assert.Equal((DayStatus.Done, DayStatus.Done, DayStatus.Locked), (later[0].Status, later[1].Status, later[2].Status));
        Assert.Equal(Utc(3, 14), later[1].DoneAt);
        Assert.Equal(DayStatus.DueToday, ProgramRules.Evaluate(days, Start, [], sessions, NewYork, Utc(3, 15))[1].Status);
    }

    [Fact]
    public void A_self_paced_day_opens_when_the_previous_is_done_and_one_session_counts_for_one_day()
    {
        var days = new[] { Day(UnlockRule.AfterPreviousDone), Day(UnlockRule.AfterPreviousDone), Day(UnlockRule.AfterPreviousDone) };
        var before = ProgramRules.Evaluate(days, Start, [], [], London, Utc(2, 9));
        Assert.Equal((DayStatus.DueToday, DayStatus.Locked, "Opens when day 1 is done"), (before[0].Status, before[1].Status, before[1].LockedBecause));

        var one = ProgramRules.Evaluate(days, Start, [], [Session(Utc(2, 10))], London, Utc(2, 11));
        Assert.Equal((DayStatus.Done, DayStatus.Upcoming, DayStatus.Locked), (one[0].Status, one[1].Status, one[2].Status));

        // Day 2 done the same day, ahead of its date: on time. Day 3 is then open.
        var two = ProgramRules.Evaluate(days, Start, [], [Session(Utc(2, 10)), Session(Utc(2, 12))], London, Utc(2, 13));
        Assert.Equal((DayStatus.Done, DayStatus.Done, DayStatus.Upcoming), (two[0].Status, two[1].Status, two[2].Status));

        // Days later with only day 1 done: day 2 missed, day 3 missed though it never opened.
        var gone = ProgramRules.Evaluate(days, Start, [], [Session(Utc(2, 10))], London, Utc(9, 9));
        Assert.Equal((DayStatus.Done, DayStatus.Missed, DayStatus.Missed), (gone[0].Status, gone[1].Status, gone[2].Status));
        Assert.False(gone[2].IsOpen);
    }

    [Fact]
    public void A_day_needs_every_scenario_at_the_minimum_score_of_the_pinned_version_or_later()
    {
        var days = new[] { Day(UnlockRule.OnDate, 70, 1, 2) };
        var pins = new[] { new PinnedScenario(1, 3), new PinnedScenario(2, null) };
        DayProgress At(params CountedSession[] s) => ProgramRules.Evaluate(days, Start, pins, s, London, Utc(2, 20))[0];

        Assert.Equal(DayStatus.DueToday, At(Session(Utc(2, 10), 1, 90, 3)).Status); // scenario 2 not practised
        Assert.Equal(DayStatus.DueToday, At(Session(Utc(2, 10), 1, 90, 3), Session(Utc(2, 11), 2, 69)).Status); // below 70
        Assert.Equal(DayStatus.DueToday, At(Session(Utc(2, 10), 1, 90, 2), Session(Utc(2, 11), 2, 70)).Status); // older version
        Assert.Equal(DayStatus.DueToday, At(Session(Utc(2, 10), 1, 90, null), Session(Utc(2, 11), 2, 70)).Status); // no version
        var done = At(Session(Utc(2, 10), 1, 90, 4), Session(Utc(2, 11), 2, 70));
        Assert.Equal((DayStatus.Done, 80, Utc(2, 11)), (done.Status, done.Score, done.DoneAt!.Value));
    }

    [Fact]
    public void The_start_of_a_day_is_its_local_midnight_across_daylight_saving_changes()
    {
        // London: BST until 25 October 2026, GMT after; New York: EDT until 1 November 2026.
        Assert.Equal(Utc(24, 23, 10), ProgramRules.StartOf(new DateOnly(2026, 10, 25), London));
        Assert.Equal(Utc(26, 0, 10), ProgramRules.StartOf(new DateOnly(2026, 10, 26), London));
        Assert.Equal(Utc(1, 4), ProgramRules.StartOf(new DateOnly(2026, 11, 1), NewYork));
        Assert.Equal(Utc(2, 5), ProgramRules.StartOf(new DateOnly(2026, 11, 2), NewYork));
    }
}

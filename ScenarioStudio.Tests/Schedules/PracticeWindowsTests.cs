using ScenarioStudio.Schedules;

namespace ScenarioStudio.Tests.Schedules;

/// <summary>Occurrences across the London and New York clock changes, with exact UTC instants, and attendance in several zones.</summary>
public sealed class PracticeWindowsTests
{
    private static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SlotRule Slot(PracticeDays days, int hour, int minute, string zone, int minutes = 30) =>
        new(Guid.NewGuid(), days, new TimeOnly(hour, minute), zone, minutes, LongAgo);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0, int year = 2026) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static List<DateTimeOffset> Starts(SlotRule slot, DateTimeOffset from, DateTimeOffset to) =>
        PracticeWindows.Occurrences([slot], from, to).Select(o => o.Start).ToList();

    [Fact]
    public void A_London_weekday_slot_stays_at_nine_London_time_across_both_clock_changes()
    {
        var slot = Slot(PracticeDays.Weekdays, 9, 0, "Europe/London");
        // Clocks go forward on the last Sunday of March (29 March 2026): 09:00 GMT is 09:00Z, 09:00 BST is 08:00Z.
        Assert.Equal([Utc(3, 26, 9), Utc(3, 27, 9), Utc(3, 30, 8), Utc(3, 31, 8)], Starts(slot, Utc(3, 26, 0), Utc(4, 1, 0)));
        // And back on the last Sunday of October (25 October 2026).
        Assert.Equal([Utc(10, 22, 8), Utc(10, 23, 8), Utc(10, 26, 9), Utc(10, 27, 9)], Starts(slot, Utc(10, 22, 0), Utc(10, 28, 0)));
        var o = PracticeWindows.Occurrences([slot], Utc(10, 26, 0), Utc(10, 27, 0)).Single();
        Assert.Equal((Utc(10, 26, 9), Utc(10, 26, 9, 30)), (o.Start, o.End));
    }

    [Fact]
    public void A_New_York_slot_in_the_missing_hour_moves_forward_and_one_in_the_repeated_hour_takes_the_first()
    {
        // Second Sunday of March 2026 (8 March): 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day and
        // is read with the offset before the gap (RFC 5545): 03:30 EDT, 07:30Z. The Sundays around it are ordinary.
        var spring = Slot(PracticeDays.Sunday, 2, 30, "America/New_York", 60);
        Assert.Equal([Utc(3, 1, 7, 30), Utc(3, 8, 7, 30), Utc(3, 15, 6, 30)], Starts(spring, Utc(2, 28, 0), Utc(3, 16, 0)));
        var gap = PracticeWindows.Occurrences([spring], Utc(3, 8, 0), Utc(3, 9, 0)).Single();
        Assert.Equal(new DateTime(2026, 3, 8, 3, 30, 0), TimeZoneInfo.ConvertTime(gap.Start, PracticeWindows.Zone("America/New_York")).DateTime);
        Assert.Equal(Utc(3, 8, 8, 30), gap.End);

        // First Sunday of November 2026 (1 November): 01:30 happens twice; the first (EDT, 05:30Z) is taken.
        var autumn = Slot(PracticeDays.Sunday, 1, 30, "America/New_York");
        Assert.Equal([Utc(10, 25, 5, 30), Utc(11, 1, 5, 30), Utc(11, 8, 6, 30)], Starts(autumn, Utc(10, 24, 0), Utc(11, 9, 0)));

        // A daily 09:00 slot: 14:00Z in winter, 13:00Z from the change, 14:00Z again from November.
        var daily = Slot(PracticeDays.Weekdays | PracticeDays.Saturday | PracticeDays.Sunday, 9, 0, "America/New_York");
        Assert.Equal([Utc(3, 7, 14), Utc(3, 8, 13), Utc(3, 9, 13)], Starts(daily, Utc(3, 7, 0), Utc(3, 10, 0)));
        Assert.Equal([Utc(10, 31, 13), Utc(11, 1, 14), Utc(11, 2, 14)], Starts(daily, Utc(10, 31, 0), Utc(11, 3, 0)));
    }

    [Fact]
    public void Several_slots_merge_in_time_order_and_nothing_counts_before_a_slot_was_set_up()
    {
        var morning = Slot(PracticeDays.Monday | PracticeDays.Wednesday, 9, 0, "Europe/London");
        var tokyo = Slot(PracticeDays.Monday, 17, 0, "Asia/Tokyo") with { ActiveFrom = Utc(11, 4, 0) };
        // Mon 2 Nov, Wed 4 Nov, Mon 9 Nov (Tokyo 17:00 is 08:00Z, before London's 09:00Z; only from 4 November).
        Assert.Equal([Utc(11, 2, 9), Utc(11, 4, 9), Utc(11, 9, 8), Utc(11, 9, 9)],
            PracticeWindows.Occurrences([morning, tokyo], Utc(11, 1, 0), Utc(11, 10, 0)).Select(o => o.Start));
        Assert.Empty(PracticeWindows.Occurrences([Slot(PracticeDays.None, 9, 0, "UTC")], Utc(11, 1, 0), Utc(11, 10, 0)));
    }

    [Fact]
    public void The_next_practice_is_the_one_under_way_or_else_the_next_to_start()
    {
        var slot = Slot(PracticeDays.Tuesday | PracticeDays.Thursday, 9, 0, "Europe/London");
        Assert.Equal(Utc(12, 1, 9), PracticeWindows.Next([slot], Utc(12, 1, 6, 46))!.Start); // Tue 1 Dec, 2 h 14 min ahead
        Assert.Equal(Utc(12, 1, 9), PracticeWindows.Next([slot], Utc(12, 1, 9, 29))!.Start); // under way
        Assert.Equal(Utc(12, 3, 9), PracticeWindows.Next([slot], Utc(12, 1, 9, 30))!.Start); // ended: Thursday's
        Assert.Null(PracticeWindows.Next([], Utc(12, 1, 9)));
        Assert.Equal("in 2 h 14 min", ScheduleText.Countdown(Utc(12, 1, 9), Utc(12, 1, 9, 30), Utc(12, 1, 6, 46)));
        Assert.Equal("in 5 min", ScheduleText.Countdown(Utc(12, 1, 9), Utc(12, 1, 9, 30), Utc(12, 1, 8, 55)));
        Assert.Equal("on now, ends in 10 min", ScheduleText.Countdown(Utc(12, 1, 9), Utc(12, 1, 9, 30), Utc(12, 1, 9, 20)));
        Assert.Equal("in 3 days", ScheduleText.Countdown(Utc(12, 4, 9), Utc(12, 4, 9, 30), Utc(12, 1, 8, 0)));
    }

    [Fact]
    public void A_learner_in_Tokyo_on_a_London_team_is_on_time_late_or_missed_by_the_London_window()
    {
        // Mon and Wed 09:00 London, 30 minutes: in November that is 09:00Z, 18:00 in Tokyo.
        var slot = Slot(PracticeDays.Monday | PracticeDays.Wednesday, 9, 0, "Europe/London");
        var tokyo = PracticeWindows.Zone("Asia/Tokyo");
        DateTimeOffset InTokyo(int day, int hour, int minute) => PracticeWindows.ToInstant(new DateTime(2026, 11, day, hour, minute, 0), tokyo);
        var completions = new[]
        {
            InTokyo(2, 18, 10),  // Mon 2 Nov: inside the window
            InTokyo(4, 21, 0),   // Wed 4 Nov: three hours after: late
            InTokyo(11, 18, 30), // Wed 11 Nov: on the window's last minute (09:30Z, end included)
            InTokyo(16, 17, 59), // Mon 16 Nov: a minute before the window opens
        };
        var now = Utc(11, 18, 9, 15); // Wed 18 Nov, during the window
        var records = PracticeWindows.Classify([slot], completions, Utc(11, 1, 0), now, now);
        Assert.Equal(
            [(Utc(11, 2, 9), Attendance.OnTime), (Utc(11, 4, 9), Attendance.Late), (Utc(11, 9, 9), Attendance.Missed),
                (Utc(11, 11, 9), Attendance.OnTime), (Utc(11, 16, 9), Attendance.Missed), (Utc(11, 18, 9), Attendance.Upcoming)],
            records.Select(r => (r.Occurrence.Start, r.Status)));
        Assert.Equal(completions[1], records[1].CompletedAt);
        // The early session on the 16th fell in Wednesday 11th's late period, but that one was already on time: it makes
        // nothing late, and Monday's window came after it.
        Assert.Null(records[4].CompletedAt);
    }

    [Fact]
    public void A_learner_in_Kolkata_on_a_New_York_team_is_judged_by_the_window_across_the_spring_change()
    {
        // Weekdays 16:00 New York, 45 minutes. Before 8 March: 21:00Z (02:30 next day in Kolkata); after: 20:00Z.
        var slot = Slot(PracticeDays.Weekdays, 16, 0, "America/New_York", 45);
        var kolkata = PracticeWindows.Zone("Asia/Kolkata");
        DateTimeOffset InKolkata(int day, int hour, int minute) => PracticeWindows.ToInstant(new DateTime(2026, 3, day, hour, minute, 0), kolkata);
        var completions = new[]
        {
            InKolkata(7, 2, 40),  // Sat 7 Mar 02:40 IST = Fri 6 Mar 21:10Z: on time for Friday's
            InKolkata(10, 2, 40), // Tue 10 Mar 02:40 IST = Mon 9 Mar 21:10Z: after the 20:00–20:45Z window: late
            InKolkata(11, 1, 35), // Wed 11 Mar 01:35 IST = Tue 10 Mar 20:05Z: on time
        };
        var now = Utc(3, 12, 0);
        var records = PracticeWindows.Classify([slot], completions, Utc(3, 6, 0), now, now);
        Assert.Equal(
            [(Utc(3, 6, 21), Attendance.OnTime), (Utc(3, 9, 20), Attendance.Late), (Utc(3, 10, 20), Attendance.OnTime),
                (Utc(3, 11, 20), Attendance.Missed)],
            records.Select(r => (r.Occurrence.Start, r.Status)));
    }

    [Fact]
    public void A_session_finished_before_the_window_opens_does_not_count_and_lateness_ends_at_the_next_practice()
    {
        var slot = Slot(PracticeDays.Monday, 9, 0, "UTC");
        var records = PracticeWindows.Classify([slot], [Utc(11, 2, 8, 59), Utc(11, 9, 9, 31), Utc(11, 16, 9, 0)], Utc(11, 1, 0), Utc(11, 17, 0),
            Utc(11, 17, 0));
        // 2 Nov: one minute early, missed; 9 Nov: a minute after, late; 16 Nov: on the first minute, on time.
        Assert.Equal([Attendance.Missed, Attendance.Late, Attendance.OnTime], records.Select(r => r.Status));
        // A session a week later belongs to the next Monday's window, not late for the first one.
        var weekLate = PracticeWindows.Classify([slot], [Utc(11, 9, 9, 1)], Utc(11, 1, 0), Utc(11, 10, 0), Utc(11, 10, 0));
        Assert.Equal([Attendance.Missed, Attendance.OnTime], weekLate.Select(r => r.Status));
        // A session completed in the future of "now" is not counted yet.
        Assert.Equal(Attendance.Upcoming, PracticeWindows.Classify([slot], [Utc(11, 2, 9, 10)], Utc(11, 1, 0), Utc(11, 3, 0), Utc(11, 2, 9, 5))
            .Single().Status);
    }

    [Fact]
    public void Only_IANA_zones_are_accepted()
    {
        Assert.True(PracticeWindows.IsKnownZone("Europe/London"));
        Assert.True(PracticeWindows.IsKnownZone("UTC"));
        Assert.False(PracticeWindows.IsKnownZone("Mars/Olympus_Mons"));
        Assert.False(PracticeWindows.IsKnownZone(""));
        Assert.False(PracticeWindows.IsKnownZone(null));
    }
}

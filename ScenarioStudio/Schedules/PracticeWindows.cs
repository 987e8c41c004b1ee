namespace ScenarioStudio.Schedules;

/// <summary>Days of the week a slot meets, as flags so one slot covers "Mon, Wed, Fri".</summary>
[Flags]
public enum PracticeDays
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday,
}

/// <summary>
/// One recurring practice time: the days, the local start time in an IANA time zone, how long it lasts, and when it was
/// set up (nothing before that counts).
/// </summary>
public sealed record SlotRule(Guid Id, PracticeDays Days, TimeOnly Start, string TimeZone, int DurationMinutes, DateTimeOffset ActiveFrom);

/// <summary>One meeting of a slot, in UTC.</summary>
public sealed record PracticeOccurrence(Guid SlotId, DateTimeOffset Start, DateTimeOffset End);

public enum Attendance { Upcoming, OnTime, Late, Missed }

/// <summary>How a learner did at one occurrence, with the completion that counted.</summary>
public sealed record AttendanceRecord(PracticeOccurrence Occurrence, Attendance Status, DateTimeOffset? CompletedAt);

/// <summary>
/// The practice times of a schedule as instants, and attendance at them: pure, so daylight-saving changes and time zones
/// are exact to test. Local times follow RFC 5545 (3.3.5), as calendar apps read them: a start in a local hour that
/// does not exist (the spring-forward gap) is read with the offset before the gap, so it moves forward by the gap
/// (02:30 on New York's spring-forward day is 03:30 EDT); a start in an hour that happens twice takes the first.
/// </summary>
public static class PracticeWindows
{
    /// <summary>
    /// How far after an occurrence a completion still counts as late when no later occurrence bounds it (a schedule of
    /// one slot a week is bounded by its next week; this only limits a slot removed or not yet repeated).
    /// </summary>
    public static readonly TimeSpan LongestLateness = TimeSpan.FromDays(7);

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>True for a time zone id this machine knows by its IANA name (what the calendar feed and browsers use).</summary>
    public static bool IsKnownZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && (zone.HasIanaId || id == "UTC");

    /// <summary>The instant a local wall-clock time in <paramref name="zone"/> names, by the RFC 5545 rules above.</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
            offset = zone.GetUtcOffset(local.AddHours(-4)); // the offset in force before the gap: no zone changes twice in 4 hours
        else if (zone.IsAmbiguousTime(local))
            offset = zone.GetAmbiguousTimeOffsets(local).Max(); // the larger offset is the earlier instant: the first occurrence
        else
            offset = zone.GetUtcOffset(local);
        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    public static bool Meets(this PracticeDays days, DayOfWeek day) => (days & Flag(day)) != 0;

    public static PracticeDays Flag(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => PracticeDays.Monday,
        DayOfWeek.Tuesday => PracticeDays.Tuesday,
        DayOfWeek.Wednesday => PracticeDays.Wednesday,
        DayOfWeek.Thursday => PracticeDays.Thursday,
        DayOfWeek.Friday => PracticeDays.Friday,
        DayOfWeek.Saturday => PracticeDays.Saturday,
        _ => PracticeDays.Sunday,
    };

    /// <summary>Every occurrence of the slots starting in [<paramref name="from"/>, <paramref name="to"/>), by start.</summary>
    public static IReadOnlyList<PracticeOccurrence> Occurrences(IEnumerable<SlotRule> slots, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<PracticeOccurrence>();
        foreach (var slot in slots)
        {
            if (slot.Days == PracticeDays.None) continue;
            var zone = Zone(slot.TimeZone);
            var begin = from < slot.ActiveFrom ? slot.ActiveFrom : from;
            if (begin >= to) continue;
            // Local dates one either side: an instant's local date differs from its UTC date by up to a day.
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(begin, zone).DateTime).AddDays(-1);
            var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime).AddDays(1);
            for (; day <= last; day = day.AddDays(1))
            {
                if (!slot.Days.Meets(day.DayOfWeek)) continue;
                var start = ToInstant(day.ToDateTime(slot.Start), zone);
                if (start >= begin && start < to) result.Add(new PracticeOccurrence(slot.Id, start, start.AddMinutes(slot.DurationMinutes)));
            }
        }
        result.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.SlotId.CompareTo(b.SlotId));
        return result;
    }

    /// <summary>The occurrence under way at <paramref name="now"/>, or else the next one to start (within 8 days), or null.</summary>
    public static PracticeOccurrence? Next(IEnumerable<SlotRule> slots, DateTimeOffset now)
    {
        var list = slots as IReadOnlyCollection<SlotRule> ?? slots.ToList();
        var longest = list.Count == 0 ? 0 : list.Max(s => s.DurationMinutes);
        return Occurrences(list, now.AddMinutes(-longest), now.AddDays(8)).FirstOrDefault(o => o.End > now);
    }

    /// <summary>
    /// Attendance at each occurrence starting in [<paramref name="from"/>, <paramref name="to"/>), given when the learner
    /// completed sessions, as of <paramref name="now"/>. The rule: a session completed inside the window (start to end,
    /// both included) is <see cref="Attendance.OnTime"/> (already while the window is open); otherwise an occurrence not yet
    /// ended is <see cref="Attendance.Upcoming"/>; one that has ended is <see cref="Attendance.Late"/> when a session was
    /// completed after its end and before the schedule's next occurrence starts (at most <see cref="LongestLateness"/>
    /// later), else <see cref="Attendance.Missed"/>. Late windows never overlap, so one session makes at most one
    /// occurrence late; a missed occurrence whose late window is still open can still become late.
    /// </summary>
    public static IReadOnlyList<AttendanceRecord> Classify(IEnumerable<SlotRule> slots, IEnumerable<DateTimeOffset> completions,
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var list = slots as IReadOnlyCollection<SlotRule> ?? slots.ToList();
        var done = completions.Where(c => c <= now).Order().ToArray();
        // One occurrence past the range bounds the last one's late window.
        var occurrences = Occurrences(list, from, to.Add(LongestLateness));
        var result = new List<AttendanceRecord>();
        for (var i = 0; i < occurrences.Count && occurrences[i].Start < to; i++)
        {
            var o = occurrences[i];
            var lateUntil = o.End.Add(LongestLateness);
            for (var j = i + 1; j < occurrences.Count; j++)
            {
                if (occurrences[j].Start <= o.Start) continue; // two slots starting together share their late window
                if (occurrences[j].Start < lateUntil) lateUntil = occurrences[j].Start;
                break;
            }
            var onTime = First(done, o.Start, o.End, inclusiveEnd: true);
            if (onTime is not null) result.Add(new AttendanceRecord(o, Attendance.OnTime, onTime));
            else if (now < o.End) result.Add(new AttendanceRecord(o, Attendance.Upcoming, null));
            else if (First(done, o.End, lateUntil, inclusiveEnd: false) is { } late && late > o.End)
                result.Add(new AttendanceRecord(o, Attendance.Late, late));
            else result.Add(new AttendanceRecord(o, Attendance.Missed, null));
        }
        return result;
    }

    /// <summary>The first completion in [start, end] or [start, end), by binary search over the sorted completions.</summary>
    private static DateTimeOffset? First(DateTimeOffset[] sorted, DateTimeOffset start, DateTimeOffset end, bool inclusiveEnd)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < start) lo = mid + 1; else hi = mid;
        }
        if (lo == sorted.Length) return null;
        var c = sorted[lo];
        return c < end || (inclusiveEnd && c == end) ? c : null;
    }
}

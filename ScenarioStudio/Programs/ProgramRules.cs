using ScenarioStudio.Progress;
using ScenarioStudio.Schedules;

namespace ScenarioStudio.Programs;

/// <summary>A day's cell in the program grid and on the learner's page.</summary>
public enum DayStatus
{
    /// <summary>Done on or before its date; on its date inside one of the team's practice times, where the team has them that day.</summary>
    Done,
    /// <summary>Done after its date, or on its date outside the team's practice times that day.</summary>
    Late,
    /// <summary>Its date has passed and it is not done.</summary>
    Missed,
    /// <summary>Open, not done, and today is its date.</summary>
    DueToday,
    /// <summary>Open ahead of its date (a self-paced day), not done.</summary>
    Upcoming,
    /// <summary>Not open yet: its date has not come, or the previous day is not done.</summary>
    Locked,
}

/// <summary>A completed session as the program rules need it.</summary>
/// <remarks>
/// A session of a scenario's A/B variant carries the scenario's id (an experiment gave the learner B in A's place) with
/// <paramref name="OfVariant"/> set: its version is B's, so the pinned version of A does not apply to it.
/// </remarks>
public readonly record struct CountedSession(Guid Id, int ScenarioId, int? Version, int Score, DateTimeOffset CompletedAt, bool OfVariant = false);

/// <summary>One day of one learner's program.</summary>
public sealed record DayProgress(int Number, DateOnly Date, ProgramDayPlan Plan, DayStatus Status, DateTimeOffset? DoneAt, int? Score,
    string? LockedBecause)
{
    public bool IsDone => Status is DayStatus.Done or DayStatus.Late;
    public bool IsOpen => Status is not DayStatus.Locked && LockedBecause is null;
}

/// <summary>
/// The program rules, pure so they are exact to test: when a day opens, when it is done and how its grid cell reads.
/// A day is done when the learner has completed, since the day opened, a session of each of its scenarios (of the
/// pinned version or later) scoring at least the day's minimum; each session counts for one day only, so a scenario
/// repeated on two days is practised twice.
/// </summary>
public static class ProgramRules
{
    /// <summary>
    /// The one classification of a day, from its date, when it was done, the learner's zone, today in that zone and the
    /// team's practice times (<see cref="PracticeWindows"/>; none when the team has no schedule). A day done on its date
    /// is on time inside one of that date's practice windows and late outside them, as schedule attendance counts it; on
    /// a date without practice times, any time of the day is on time.
    /// </summary>
    public static DayStatus Classify(DateOnly dayDate, DateTimeOffset? doneAt, TimeZoneInfo zone, DateOnly today, bool open,
        IReadOnlyList<PracticeOccurrence>? windows = null)
    {
        if (doneAt is { } done)
        {
            var doneOn = ProgressRules.LocalDay(done, zone);
            if (doneOn > dayDate) return DayStatus.Late;
            if (doneOn < dayDate || windows is null) return DayStatus.Done;
            var thatDay = windows.Where(w => ProgressRules.LocalDay(w.Start, zone) == dayDate).ToList();
            return thatDay.Count == 0 || thatDay.Any(w => done >= w.Start && done <= w.End) ? DayStatus.Done : DayStatus.Late;
        }
        if (today > dayDate) return DayStatus.Missed;
        if (!open) return DayStatus.Locked;
        return today == dayDate ? DayStatus.DueToday : DayStatus.Upcoming;
    }

    /// <summary>The instant a local date begins in a zone (the first valid instant, should midnight fall in a DST gap).</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        var offset = zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// Every day of one learner's enrolment, from their completed sessions of the program's scenarios and, where the team
    /// has a schedule, its practice windows over the program's dates (<see cref="WindowsFor"/>).
    /// </summary>
    public static IReadOnlyList<DayProgress> Evaluate(IReadOnlyList<ProgramDayPlan> days, DateOnly startOn, IReadOnlyList<PinnedScenario> pins,
        IEnumerable<CountedSession> sessions, TimeZoneInfo zone, DateTimeOffset now, IReadOnlyList<PracticeOccurrence>? windows = null)
    {
        var pinned = pins.ToDictionary(p => p.ScenarioId, p => p.Version);
        var ordered = sessions.OrderBy(s => s.CompletedAt).ToList();
        var used = new HashSet<Guid>();
        var today = ProgressRules.LocalDay(now, zone);
        var result = new List<DayProgress>(days.Count);
        DateTimeOffset? previousDoneAt = null;
        for (var i = 0; i < days.Count; i++)
        {
            var plan = days[i];
            var date = startOn.AddDays(i);
            DateTimeOffset? opensAt = i == 0 ? StartOf(startOn, zone)
                : plan.Unlock == UnlockRule.OnDate ? StartOf(date, zone)
                : previousDoneAt;
            var open = opensAt is { } at && at <= now;
            DateTimeOffset? doneAt = null;
            int? score = null;
            if (open)
            {
                var picked = new List<CountedSession>();
                foreach (var scenarioId in plan.ScenarioIds.Distinct())
                {
                    var pin = pinned.GetValueOrDefault(scenarioId);
                    var match = ordered.FirstOrDefault(s => s.ScenarioId == scenarioId && s.CompletedAt >= opensAt && !used.Contains(s.Id)
                        && s.Score >= plan.MinScore && (pin is null || s.OfVariant || s.Version >= pin));
                    if (match.Id == Guid.Empty) break;
                    picked.Add(match);
                }
                if (picked.Count > 0 && picked.Count == plan.ScenarioIds.Distinct().Count())
                {
                    used.UnionWith(picked.Select(s => s.Id));
                    doneAt = picked.Max(s => s.CompletedAt);
                    score = (int)Math.Round(picked.Average(s => s.Score));
                }
            }
            var status = Classify(date, doneAt, zone, today, open, windows);
            string? because = open ? null
                : plan.Unlock == UnlockRule.AfterPreviousDone && i > 0 ? $"Opens when day {i} is done"
                : $"Opens on {date:ddd d MMM}";
            result.Add(new DayProgress(i + 1, date, plan, status, doneAt, score, because));
            previousDoneAt = doneAt;
        }
        return result;
    }

    /// <summary>The team's practice windows over a program's dates, a day either side for time zones; null without a schedule.</summary>
    public static IReadOnlyList<PracticeOccurrence>? WindowsFor(IReadOnlyList<SlotRule> slots, DateOnly startOn, int days) =>
        slots.Count == 0 ? null : PracticeWindows.Occurrences(slots, StartOf(startOn.AddDays(-1), TimeZoneInfo.Utc),
            StartOf(startOn.AddDays(days + 1), TimeZoneInfo.Utc));
}

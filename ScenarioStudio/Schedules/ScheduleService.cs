using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Schedules;

public sealed record SlotInput(PracticeDays Days, TimeOnly? StartTime, string? TimeZone, int DurationMinutes);

public sealed record SlotView(Guid Id, PracticeDays Days, TimeOnly StartTime, string TimeZone, int DurationMinutes)
{
    /// <summary>"Mon, Wed, Fri 09:00–09:30 (Europe/London)".</summary>
    public string Describe() =>
        $"{ScheduleText.Days(Days)} {StartTime:HH\\:mm}–{StartTime.AddMinutes(DurationMinutes):HH\\:mm} ({TimeZone})";
}

/// <summary>The next practice as the learner sees it: in their own time zone.</summary>
public sealed record NextPractice(string Team, DateTimeOffset Start, DateTimeOffset End, DateTime LocalStart, DateTime LocalEnd);

public sealed record MyAttendance(string Team, DateTimeOffset Start, DateTime LocalStart, Attendance Status);

/// <summary>The caller's practice schedule: their time zone, the next session and how they did at the recent ones.</summary>
public sealed record MySchedule(string TimeZone, NextPractice? Next, IReadOnlyList<MyAttendance> Recent, bool InScheduledTeam);

public sealed record MemberAttendance(string UserId, string Name, IReadOnlyList<Attendance> Sessions);

/// <summary>A team's last few sessions (start instants, the team's slot zone local times) and each member's attendance.</summary>
public sealed record TeamAttendance(Guid TeamId, string Team, IReadOnlyList<DateTime> Sessions, IReadOnlyList<MemberAttendance> Members);

/// <summary>
/// Teams' practice times: an Admin or the team's own manager sets them; each member sees the next one in their own time
/// zone and how they attended; managers see their teams' attendance. Attendance is worked out by
/// <see cref="PracticeWindows"/> from completed (counted) sessions.
/// </summary>
public sealed class ScheduleService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit)
{
    public const int MinDuration = 5;
    public const int MaxDuration = 240;
    public const int MaxSlotsPerTeam = 14;
    /// <summary>How far back the learner's recent attendance and the managers' grid look.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(42);

    public async Task<IReadOnlyList<SlotView>> ListAsync(Guid teamId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await LedTeamAsync(db, caller, teamId, ct);
        return await db.Set<PracticeSlot>().AsNoTracking().Where(s => s.TeamId == teamId)
            .OrderBy(s => s.StartTime).ThenBy(s => s.CreatedAt)
            .Select(s => new SlotView(s.Id, s.Days, s.StartTime, s.TimeZone, s.DurationMinutes)).ToListAsync(ct);
    }

    public async Task<Guid> AddSlotAsync(Guid teamId, SlotInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var team = await LedTeamAsync(db, caller, teamId, ct);
        var errors = new FieldErrors();
        errors.Check((input.Days & ~(PracticeDays.Weekdays | PracticeDays.Saturday | PracticeDays.Sunday)) == 0 && input.Days != PracticeDays.None,
            nameof(input.Days), "Choose at least one day of the week.");
        errors.Check(input.StartTime is not null, nameof(input.StartTime), "Choose the time the practice starts.");
        var zone = (input.TimeZone ?? "").Trim();
        errors.Check(PracticeWindows.IsKnownZone(zone), nameof(input.TimeZone), "Choose a time zone from the list, e.g. Europe/London.");
        errors.Check(input.DurationMinutes is >= MinDuration and <= MaxDuration, nameof(input.DurationMinutes),
            $"A practice lasts {MinDuration} to {MaxDuration} minutes.");
        if (await db.Set<PracticeSlot>().CountAsync(s => s.TeamId == teamId, ct) >= MaxSlotsPerTeam)
            errors.Add(nameof(input.Days), $"A team has at most {MaxSlotsPerTeam} practice times: remove one first.");
        errors.ThrowIfAny();

        var slot = new PracticeSlot
        {
            OrganisationId = caller.OrganisationId, TeamId = teamId, Days = input.Days, StartTime = input.StartTime!.Value, TimeZone = zone,
            DurationMinutes = input.DurationMinutes, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(slot);
        var view = new SlotView(slot.Id, slot.Days, slot.StartTime, slot.TimeZone, slot.DurationMinutes);
        audit.Record(db, caller, AuditAction.TeamChange, Subject(team), $"Added practice time {view.Describe()} to {team.Name}",
            AuditTrail.Diff(("Practice time", null, view.Describe())));
        await db.SaveChangesAsync(ct);
        return slot.Id;
    }

    public async Task RemoveSlotAsync(Guid slotId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var slot = await db.Set<PracticeSlot>().Include(s => s.Team).SingleOrDefaultAsync(s => s.Id == slotId, ct)
            ?? throw new ForbiddenException("This practice time does not exist in your organisation.");
        if (!caller.Leads(slot.Team!)) throw new ForbiddenException("Only an Admin or the team's manager may change its practice times.");
        var view = new SlotView(slot.Id, slot.Days, slot.StartTime, slot.TimeZone, slot.DurationMinutes);
        audit.Record(db, caller, AuditAction.TeamChange, Subject(slot.Team!), $"Removed practice time {view.Describe()} from {slot.Team!.Name}",
            AuditTrail.Diff(("Practice time", view.Describe(), null)));
        db.Remove(slot);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The caller's own time zone: where a practice time they set up starts.</summary>
    public async Task<string> MyTimeZoneAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TimeZone).SingleAsync(ct);
    }

    /// <summary>The caller's next practice (in their time zone) and their attendance at the last ten sessions.</summary>
    public async Task<MySchedule> MineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var now = clock.GetUtcNow();
        var zoneId = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TimeZone).SingleAsync(ct);
        var zone = Progress.ProgressRules.Zone(zoneId);
        var teams = db.TeamMembers.Where(m => m.UserId == caller.UserId).Select(m => m.TeamId);
        var slots = await db.Set<PracticeSlot>().AsNoTracking().Where(s => teams.Contains(s.TeamId))
            .Select(s => new { Team = s.Team!.Name, Slot = s }).ToListAsync(ct);
        if (slots.Count == 0) return new MySchedule(zoneId, null, [], false);

        var from = now - Lookback;
        var completed = await CompletionsAsync(db, [caller.UserId], from, ct);
        NextPractice? next = null;
        var recent = new List<MyAttendance>();
        foreach (var team in slots.GroupBy(s => s.Team))
        {
            var rules = team.Select(s => s.Slot.ToRule()).ToList();
            if (PracticeWindows.Next(rules, now) is { } o && (next is null || o.Start < next.Start))
                next = new NextPractice(team.Key, o.Start, o.End, Local(o.Start, zone), Local(o.End, zone));
            recent.AddRange(PracticeWindows.Classify(rules, completed.GetValueOrDefault(caller.UserId, []), from, now, now)
                .Where(r => r.Status != Attendance.Upcoming)
                .Select(r => new MyAttendance(team.Key, r.Occurrence.Start, Local(r.Occurrence.Start, zone), r.Status)));
        }
        return new MySchedule(zoneId, next, recent.OrderByDescending(r => r.Start).Take(10).ToList(), true);
    }

    /// <summary>For each scheduled team the caller leads: its last <paramref name="sessions"/> ended sessions and each active member's attendance.</summary>
    public async Task<IReadOnlyList<TeamAttendance>> TeamAttendanceAsync(int sessions = 5, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var now = clock.GetUtcNow();
        var from = now - Lookback;
        var led = db.TeamsLedBy(caller).Select(t => t.Id);
        var slots = await db.Set<PracticeSlot>().AsNoTracking().Where(s => led.Contains(s.TeamId)).ToListAsync(ct);
        if (slots.Count == 0) return [];
        var teamIds = slots.Select(s => s.TeamId).Distinct().ToList();
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).OrderBy(t => t.Name).Select(t => new
        {
            t.Id, t.Name,
            Members = t.Members.Where(m => m.User!.IsActive).Select(m => new { m.UserId, m.User!.DisplayName }).ToList(),
        }).ToListAsync(ct);
        var completed = await CompletionsAsync(db, teams.SelectMany(t => t.Members.Select(m => m.UserId)).Distinct().ToList(), from, ct);

        var result = new List<TeamAttendance>();
        foreach (var team in teams)
        {
            var teamSlots = slots.Where(s => s.TeamId == team.Id).ToList();
            var rules = teamSlots.Select(s => s.ToRule()).ToList();
            var shown = PracticeWindows.Occurrences(rules, from, now).Where(o => o.End <= now).TakeLast(Math.Clamp(sessions, 1, 20)).ToList();
            var members = team.Members.OrderBy(m => m.DisplayName).Select(m =>
            {
                var records = PracticeWindows.Classify(rules, completed.GetValueOrDefault(m.UserId, []), from, now, now)
                    .ToDictionary(r => (r.Occurrence.SlotId, r.Occurrence.Start), r => r.Status);
                return new MemberAttendance(m.UserId, m.DisplayName, shown.Select(o => records[(o.SlotId, o.Start)]).ToList());
            }).ToList();
            var zones = teamSlots.ToDictionary(s => s.Id, s => PracticeWindows.Zone(s.TimeZone));
            result.Add(new TeamAttendance(team.Id, team.Name, shown.Select(o => Local(o.Start, zones[o.SlotId])).ToList(), members));
        }
        return result;
    }

    /// <summary>
    /// A team's practice times as <see cref="PracticeWindows"/> takes them, read through a context the caller has already
    /// opened and authorised (for other features' grids: pass the rules and a learner's completion instants to
    /// <see cref="PracticeWindows.Classify"/> for on time / late / missed per occurrence).
    /// </summary>
    public static async Task<IReadOnlyList<SlotRule>> RulesForTeamAsync(AppDbContext db, Guid teamId, CancellationToken ct = default) =>
        (await db.Set<PracticeSlot>().AsNoTracking().Where(s => s.TeamId == teamId).ToListAsync(ct)).Select(s => s.ToRule()).ToList();

    /// <summary>When each of the given people completed a counted session since <paramref name="from"/>.</summary>
    internal static async Task<Dictionary<string, List<DateTimeOffset>>> CompletionsAsync(AppDbContext db, IReadOnlyCollection<string> userIds,
        DateTimeOffset from, CancellationToken ct)
    {
        var rows = await db.PracticeSessions.AsNoTracking().Counted()
            .Where(s => userIds.Contains(s.UserId) && s.CompletedAt != null && s.CompletedAt >= from)
            .Select(s => new { s.UserId, s.CompletedAt }).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.CompletedAt!.Value).ToList());
    }

    private static async Task<Team> LedTeamAsync(AppDbContext db, Caller caller, Guid teamId, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().SingleOrDefaultAsync(t => t.Id == teamId, ct)
            ?? throw new ForbiddenException("This team does not exist in your organisation.");
        return caller.Leads(team) ? team : throw new ForbiddenException("Only an Admin or the team's manager may change its practice times.");
    }

    internal static DateTime Local(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;

    private static AuditSubject Subject(Team team) => new(AuditSubjects.Team, team.Id.ToString(), team.Name);
}

/// <summary>How schedules read in the app and the calendar feed.</summary>
public static class ScheduleText
{
    private static readonly (PracticeDays Day, string Short)[] Names =
    [
        (PracticeDays.Monday, "Mon"), (PracticeDays.Tuesday, "Tue"), (PracticeDays.Wednesday, "Wed"), (PracticeDays.Thursday, "Thu"),
        (PracticeDays.Friday, "Fri"), (PracticeDays.Saturday, "Sat"), (PracticeDays.Sunday, "Sun"),
    ];

    public static IReadOnlyList<(PracticeDays Day, string Short)> AllDays => Names;

    /// <summary>"Mon–Fri", "Every day", or "Mon, Wed, Fri".</summary>
    public static string Days(PracticeDays days) => days switch
    {
        PracticeDays.Weekdays => "Mon–Fri",
        PracticeDays.Weekdays | PracticeDays.Saturday | PracticeDays.Sunday => "Every day",
        PracticeDays.Saturday | PracticeDays.Sunday => "Sat, Sun",
        _ => string.Join(", ", Names.Where(n => (days & n.Day) != 0).Select(n => n.Short)),
    };

    /// <summary>"in 2 h 14 min", "in 3 days", "now" for a start at <paramref name="start"/> seen at <paramref name="now"/>.</summary>
    public static string Countdown(DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (now >= start) return now < end ? $"on now, ends in {Math.Ceiling((end - now).TotalMinutes):0} min" : "ended";
        var left = start - now;
        if (left.TotalDays >= 2) return $"in {(int)left.TotalDays} days";
        if (left.TotalHours >= 1) return $"in {(int)left.TotalHours} h {left.Minutes} min";
        var minutes = (int)Math.Ceiling(left.TotalMinutes);
        return minutes <= 1 ? "in 1 min" : $"in {minutes} min";
    }

    public static string Label(Attendance a) => a switch
    {
        Attendance.OnTime => "On time",
        Attendance.Late => "Late",
        Attendance.Missed => "Missed",
        _ => "Upcoming",
    };
}

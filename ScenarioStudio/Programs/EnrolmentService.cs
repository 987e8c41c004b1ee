using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Schedules;

namespace ScenarioStudio.Programs;

/// <summary>Give a program to a team; <paramref name="MemberIds"/> null or empty means every member, now and later.</summary>
public sealed record EnrolmentInput(Guid ProgramId, Guid TeamId, DateOnly? StartOn, IReadOnlyList<string>? MemberIds);

public sealed record TeamMemberChoice(string Id, string Name);

public sealed record TeamChoice(Guid Id, string Name, IReadOnlyList<TeamMemberChoice> Members);

public sealed record GridDay(int Number, DateOnly Date, string Theme);

public sealed record GridRow(string LearnerId, string Name, IReadOnlyList<DayProgress> Days)
{
    public int Done => Days.Count(d => d.IsDone);
}

/// <summary>A program's grid for one enrolment: learner × day.</summary>
public sealed record ProgramGrid(Guid EnrolmentId, Guid ProgramId, string Program, string Team, DateOnly StartOn, IReadOnlyList<GridDay> Days,
    IReadOnlyList<GridRow> Rows);

/// <summary>One program as its learner sees it.</summary>
public sealed record MyProgram(Guid EnrolmentId, string Program, string Team, DateOnly StartOn, DateOnly Today, IReadOnlyList<DayProgress> Days)
{
    public int Total => Days.Count;
    public int Done => Days.Count(d => d.IsDone);
    public bool Started => Today >= StartOn;
    public bool Finished => Done == Total;
    /// <summary>The day whose date is today, or the last day once the program's dates are over.</summary>
    public DayProgress Current => Days[Math.Clamp(Today.DayNumber - StartOn.DayNumber, 0, Days.Count - 1)];
    public string Headline => !Started ? $"Starts {StartOn:ddd d MMM} — {Days[0].Plan.Theme}" : $"Day {Current.Number} of {Total} — {Current.Plan.Theme}";
    public IEnumerable<DayProgress> DueToday => Days.Where(d => d.Status == DayStatus.DueToday);
    public IEnumerable<DayProgress> Missed => Days.Where(d => d.Status == DayStatus.Missed);
}

/// <summary>
/// Programs given to teams: a manager enrols the teams they lead (Admins any team), from a start date, pinning the
/// scenarios' published versions; learners follow their own days; managers follow the grid. Day status comes from
/// <see cref="ProgramRules"/> over the learners' completed sessions.
/// </summary>
public sealed class EnrolmentService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, Notifier notifier, AuditTrail audit)
{
    public const int MaxDaysAhead = 366;
    /// <summary>How far back a start date may be: a program that began this week may be given to a latecomer team.</summary>
    public const int MaxDaysBack = 7;

    /// <summary>The teams the caller may give a program to, with their active members to choose from.</summary>
    public async Task<IReadOnlyList<TeamChoice>> TeamsAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = await db.TeamsLedBy(caller).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var ids = teams.Select(t => t.Id).ToList();
        var members = await db.TeamMembers.Where(m => ids.Contains(m.TeamId) && m.User!.IsActive)
            .Select(m => new { m.TeamId, m.UserId, m.User!.DisplayName }).ToListAsync(ct);
        return teams.Select(t => new TeamChoice(t.Id, t.Name, members.Where(m => m.TeamId == t.Id).OrderBy(m => m.DisplayName)
            .Select(m => new TeamMemberChoice(m.UserId, m.DisplayName)).ToList())).ToList();
    }

    public async Task<Guid> EnrolAsync(EnrolmentInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var errors = new FieldErrors();
        var program = await db.Set<TrainingProgram>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == input.ProgramId, ct);
        if (program is null) errors.Add(nameof(input.ProgramId), "Choose a program.");
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == input.TeamId, ct);
        if (team is null) errors.Add(nameof(input.TeamId), "Choose a team.");
        else if (!caller.Leads(team)) throw new ForbiddenException("You can give programs only to the teams you lead.");
        var today = ProgressRules.LocalDay(clock.GetUtcNow(), await ZoneAsync(db, caller.UserId, ct));
        if (input.StartOn is not { } start) errors.Add(nameof(input.StartOn), "Choose a start date.");
        else if (start < today.AddDays(-MaxDaysBack)) errors.Add(nameof(input.StartOn), $"Choose a start date at most {MaxDaysBack} days ago.");
        else if (start > today.AddDays(MaxDaysAhead)) errors.Add(nameof(input.StartOn), "Choose a start date within a year.");
        var chosen = (input.MemberIds ?? []).Distinct().ToList();
        if (team is not null && chosen.Count > 0)
        {
            var members = await db.TeamMembers.Where(m => m.TeamId == team.Id && m.User!.IsActive).Select(m => m.UserId).ToListAsync(ct);
            if (chosen.Except(members).Any()) errors.Add(nameof(input.MemberIds), "Choose active members of the team.");
        }
        var pins = new List<PinnedScenario>();
        if (program is not null)
        {
            var ids = program.Days.SelectMany(d => d.ScenarioIds).Distinct().ToList();
            pins = await db.Scenarios.OpenToLearners().Where(s => ids.Contains(s.Id)).Select(s => new PinnedScenario(s.Id, s.LiveVersion)).ToListAsync(ct);
            if (pins.Count < ids.Count)
                errors.Add(nameof(input.ProgramId), "Some of this program's scenarios are no longer published: edit the program first.");
            var starts = team is null ? []
                : await db.Set<ProgramEnrolment>().Where(e => e.ProgramId == program.Id && e.TeamId == team.Id).Select(e => e.StartOn).ToListAsync(ct);
            if (starts.Any(s => s.AddDays(program.Days.Count) > today))
                errors.Add(nameof(input.TeamId), "This team is already on this program: remove that enrolment first to start again.");
        }
        errors.ThrowIfAny();

        var enrolment = new ProgramEnrolment
        {
            OrganisationId = caller.OrganisationId, ProgramId = program!.Id, ProgramVersion = program.Version, TeamId = team!.Id,
            WholeTeam = chosen.Count == 0, StartOn = input.StartOn!.Value, Days = program.Days, Pins = pins,
            Members = chosen.Select(u => new ProgramEnrolmentMember { OrganisationId = caller.OrganisationId, UserId = u }).ToList(),
            AssignedById = caller.UserId, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(enrolment);
        // One save: the enrolment, its members, the learners' notifications and the audit entry, or none of them.
        var learners = chosen.Count > 0 ? chosen
            : await db.TeamMembers.Where(m => m.TeamId == team.Id && m.User!.IsActive).Select(m => m.UserId).ToListAsync(ct);
        notifier.Add(db, caller.OrganisationId, learners.Where(u => u != caller.UserId), NotificationKind.AssignmentGiven, $"New program: {program.Name}",
            $"{program.Days.Count} days with {team.Name}, starting {enrolment.StartOn:ddd d MMM}.", $"/my/programs/{enrolment.Id}");
        audit.Record(db, caller, AuditAction.Create, Subject(enrolment.Id, program.Name, team.Name),
            $"Gave the program “{program.Name}” to {team.Name}, starting {enrolment.StartOn:yyyy-MM-dd}",
            AuditTrail.Diff(("Program", null, program.Name), ("Team", null, team.Name), ("Start", null, enrolment.StartOn.ToString("yyyy-MM-dd")),
                ("Members", null, chosen.Count == 0 ? "Whole team" : $"{chosen.Count} chosen")));
        await db.SaveChangesAsync(ct);
        notifier.Announce();
        return enrolment.Id;
    }

    public async Task RemoveAsync(Guid enrolmentId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var enrolment = await db.Set<ProgramEnrolment>().Include(e => e.Team).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrolmentId, ct)
            ?? throw new ForbiddenException("This enrolment does not exist in your organisation.");
        if (!caller.Leads(enrolment.Team!)) throw new ForbiddenException("You can remove programs only from the teams you lead.");
        audit.Record(db, caller, AuditAction.Delete, Subject(enrolment.Id, enrolment.Program!.Name, enrolment.Team!.Name),
            $"Removed the program “{enrolment.Program.Name}” from {enrolment.Team.Name}",
            AuditTrail.Diff(("Program", enrolment.Program.Name, null), ("Team", enrolment.Team.Name, null)));
        db.Remove(enrolment);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The grid of one enrolment: its active learners × its days, for the manager of its team.</summary>
    public async Task<ProgramGrid> GridAsync(Guid enrolmentId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var enrolment = await db.Set<ProgramEnrolment>().AsNoTracking().Where(e => e.Id == enrolmentId)
            .Select(e => new { e.Id, e.ProgramId, Program = e.Program!.Name, e.Team, e.StartOn, e.Days, e.Pins, e.WholeTeam })
            .SingleOrDefaultAsync(ct) ?? throw new ForbiddenException("This enrolment does not exist in your organisation.");
        if (!caller.Leads(enrolment.Team!)) throw new ForbiddenException("You can follow programs only of the teams you lead.");
        var learners = await LearnersOf(db, enrolment.Id, enrolment.Team!.Id, enrolment.WholeTeam)
            .Select(u => new { u.Id, u.DisplayName, u.TimeZone }).OrderBy(u => u.DisplayName).ToListAsync(ct);
        var ids = learners.Select(l => l.Id).ToList();
        var sessions = (await SessionsAsync(db, ids, enrolment.Days, enrolment.StartOn, ct)).ToLookup(s => s.UserId, s => s.Session);
        var now = clock.GetUtcNow();
        var windows = ProgramRules.WindowsFor(await ScheduleService.RulesForTeamAsync(db, enrolment.Team.Id, ct), enrolment.StartOn,
            enrolment.Days.Count);
        var rows = learners.Select(l => new GridRow(l.Id, l.DisplayName, ProgramRules.Evaluate(enrolment.Days, enrolment.StartOn, enrolment.Pins,
            sessions[l.Id], ProgressRules.Zone(l.TimeZone), now, windows))).ToList();
        var days = enrolment.Days.Select((d, i) => new GridDay(i + 1, enrolment.StartOn.AddDays(i), d.Theme)).ToList();
        return new ProgramGrid(enrolment.Id, enrolment.ProgramId, enrolment.Program, enrolment.Team.Name, enrolment.StartOn, days, rows);
    }

    /// <summary>Whether a learner's finished session may change this enrolment's grid: the grid page's live filter.</summary>
    public async Task<bool> WatchesAsync(Guid enrolmentId, string learnerId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var e = await db.Set<ProgramEnrolment>().AsNoTracking().Where(x => x.Id == enrolmentId).Select(x => new { x.Id, x.TeamId, x.WholeTeam })
            .SingleOrDefaultAsync(ct);
        return e is not null && await LearnersOf(db, e.Id, e.TeamId, e.WholeTeam).AnyAsync(u => u.Id == learnerId, ct);
    }

    /// <summary>The programs the caller is on, newest start first.</summary>
    public async Task<IReadOnlyList<MyProgram>> ListMineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await MineAsync(db, caller, null, ct);
    }

    /// <summary>One of the caller's own programs; another learner's is refused as if it did not exist.</summary>
    public async Task<MyProgram> GetMineAsync(Guid enrolmentId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return (await MineAsync(db, caller, enrolmentId, ct)).SingleOrDefault()
            ?? throw new ForbiddenException("This program does not exist or is not yours.");
    }

    private async Task<List<MyProgram>> MineAsync(AppDbContext db, Caller caller, Guid? only, CancellationToken ct)
    {
        var me = caller.UserId;
        var teams = db.TeamMembers.Where(m => m.UserId == me).Select(m => m.TeamId);
        var query = db.Set<ProgramEnrolment>().AsNoTracking()
            .Where(e => teams.Contains(e.TeamId) && (e.WholeTeam || e.Members.Any(m => m.UserId == me)));
        if (only is { } id) query = query.Where(e => e.Id == id);
        var enrolments = await query.OrderByDescending(e => e.StartOn)
            .Select(e => new { e.Id, Program = e.Program!.Name, e.TeamId, Team = e.Team!.Name, e.StartOn, e.Days, e.Pins }).ToListAsync(ct);
        if (enrolments.Count == 0) return [];
        var zone = await ZoneAsync(db, me, ct);
        var now = clock.GetUtcNow();
        var sessions = (await SessionsAsync(db, [me], enrolments.SelectMany(e => e.Days).ToList(), enrolments.Min(e => e.StartOn), ct))
            .Select(s => s.Session).ToList();
        var today = ProgressRules.LocalDay(now, zone);
        var slots = new Dictionary<Guid, IReadOnlyList<SlotRule>>();
        foreach (var teamId in enrolments.Select(e => e.TeamId).Distinct()) slots[teamId] = await ScheduleService.RulesForTeamAsync(db, teamId, ct);
        return enrolments.Select(e => new MyProgram(e.Id, e.Program, e.Team, e.StartOn, today, ProgramRules.Evaluate(e.Days, e.StartOn, e.Pins,
            sessions, zone, now, ProgramRules.WindowsFor(slots[e.TeamId], e.StartOn, e.Days.Count)))).ToList();
    }

    public static ExportTable Table(ProgramGrid grid) => new($"{grid.Program} · {grid.Team}",
        [new("Learner"), .. grid.Days.Select(d => new ExportColumn($"Day {d.Number} ({d.Date:yyyy-MM-dd}) {d.Theme}")), new("Days done", ColumnKind.Number)],
        grid.Rows.Select(r => new object?[] { r.Name }.Concat(r.Days.Select(d => (object?)Cell(d))).Append(r.Done).ToArray()));

    /// <summary>A grid cell as the page and the export say it.</summary>
    public static string Cell(DayProgress d) => d.Status switch
    {
        DayStatus.Done => $"Done {d.Score}",
        DayStatus.Late => $"Late {d.Score}",
        DayStatus.Missed => "Missed",
        DayStatus.DueToday => "Due today",
        DayStatus.Upcoming => "Open",
        _ => "Locked",
    };

    private static IQueryable<Account.ApplicationUser> LearnersOf(AppDbContext db, Guid enrolmentId, Guid teamId, bool wholeTeam)
    {
        var inTeam = db.TeamMembers.Where(m => m.TeamId == teamId).Select(m => m.UserId);
        var chosen = db.Set<ProgramEnrolmentMember>().Where(m => m.EnrolmentId == enrolmentId).Select(m => m.UserId);
        return db.Users.Where(u => u.IsActive && inTeam.Contains(u.Id) && (wholeTeam || chosen.Contains(u.Id)));
    }

    /// <summary>
    /// The learners' completed, counted sessions of the days' scenarios since the start date (a day earlier in UTC, so
    /// every time zone's start is covered), through the index made for it: no session row (with its snapshot) is read.
    /// </summary>
    private static async Task<List<(string UserId, CountedSession Session)>> SessionsAsync(AppDbContext db, List<string> userIds,
        IReadOnlyList<ProgramDayPlan> days, DateOnly startOn, CancellationToken ct)
    {
        var scenarioIds = days.SelectMany(d => d.ScenarioIds).Distinct().ToList();
        // A session of a scenario's A/B variant counts for the scenario: an experiment gave the learner B in A's place.
        var variantOf = await db.Scenarios.AsNoTracking().Where(v => v.VariantOfId != null && scenarioIds.Contains(v.VariantOfId.Value))
            .Select(v => new { v.Id, A = v.VariantOfId!.Value }).ToDictionaryAsync(v => v.Id, v => v.A, ct);
        var practised = scenarioIds.Concat(variantOf.Keys).ToList();
        var from = new DateTimeOffset(startOn.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rows = await db.PracticeSessions.AsNoTracking()
            .Where(s => userIds.Contains(s.UserId) && practised.Contains(s.ScenarioId) && !s.IsTryOut
                && s.CompletedAt != null && s.CompletedAt >= from && s.OverallScore != null)
            .Select(s => new { s.UserId, s.Id, s.ScenarioId, s.ScenarioVersion, s.OverallScore, s.CompletedAt })
            .ToListAsync(ct);
        return rows.Select(r => (r.UserId, variantOf.TryGetValue(r.ScenarioId, out var a)
            ? new CountedSession(r.Id, a, null, r.OverallScore!.Value, r.CompletedAt!.Value, OfVariant: true)
            : new CountedSession(r.Id, r.ScenarioId, r.ScenarioVersion, r.OverallScore!.Value, r.CompletedAt!.Value))).ToList();
    }

    private static async Task<TimeZoneInfo> ZoneAsync(AppDbContext db, string userId, CancellationToken ct) =>
        ProgressRules.Zone(await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZone).SingleAsync(ct));

    private static AuditSubject Subject(Guid id, string program, string team) => new(AuditSubjects.Enrolment, id.ToString(), $"{program} for {team}");
}

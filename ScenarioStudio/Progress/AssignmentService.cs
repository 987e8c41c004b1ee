using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Progress;

public sealed record AssignmentInput(Guid TeamId, int ScenarioId, DateOnly? DueOn, string? Note);

/// <summary>An assignment as its team's manager sees it: how many active members have done it.</summary>
public sealed record AssignmentRow(Guid Id, Guid TeamId, string Team, int ScenarioId, string Scenario, DateOnly DueOn, string Note,
    int Members, int Done)
{
    public bool IsOverdue(DateOnly today) => DueOn < today && Done < Members;
}

public enum AssignmentState { Done, Due, Overdue }

/// <summary>An assignment as a learner sees it.</summary>
public sealed record MyAssignment(Guid Id, int ScenarioId, string Scenario, string Team, DateOnly DueOn, string Note, AssignmentState State, int DaysLeft);

public sealed record AssignmentOptions(IReadOnlyList<(Guid Id, string Name)> Teams);

/// <summary>A scenario the assignment form offers: published and visible to learners.</summary>
public sealed record PractisableScenario(int Id, string Title);

/// <summary>
/// Managers assign published scenarios to the teams they lead (Admins to any team) with a due date; learners see
/// what is assigned to them and whether it is done, due or overdue. Completion is counted in SQL.
/// </summary>
public sealed class AssignmentService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, Notifier notifier, AuditTrail audit)
{
    public const int MaxNoteLength = 300;
    public const int MaxDaysAhead = 366;
    /// <summary>The most scenarios one search of the assignment form returns.</summary>
    public const int MaxSearchResults = 20;

    /// <summary>
    /// The teams the caller may assign to. Scenarios are not listed (an organisation may publish thousands): the form
    /// finds them as the manager types, through <see cref="SearchPractisableAsync"/>.
    /// </summary>
    public async Task<AssignmentOptions> OptionsAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = await db.TeamsLedBy(caller).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        return new AssignmentOptions(teams.Select(t => (t.Id, t.Name)).ToList());
    }

    /// <summary>
    /// At most <paramref name="max"/> scenarios learners can practise whose title contains <paramref name="text"/>,
    /// ignoring case, by title (the first ones by title when the text is empty). SQLite's LIKE ignores the case of
    /// ASCII letters only.
    /// </summary>
    public async Task<IReadOnlyList<PractisableScenario>> SearchPractisableAsync(string? text, int max = MaxSearchResults, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        // The explicit organisation lets SQLite seek its index; the tenant filter alone is an OR it cannot seek with.
        var query = db.Scenarios.OpenToLearners().Where(s => s.OrganisationId == caller.OrganisationId);
        var typed = (text ?? "").Trim();
        if (typed.Length > 100) typed = typed[..100]; // no title is longer
        if (typed.Length > 0)
        {
            query = SqlDialect.Of(db.Database).WhereContains(query, s => s.Title, typed);
        }
        return await query.OrderBy(s => s.Title).ThenBy(s => s.Id).Take(Math.Clamp(max, 1, 100))
            .Select(s => new PractisableScenario(s.Id, s.Title)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<AssignmentRow>> ListAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = db.TeamsLedBy(caller).Select(t => t.Id);
        return await db.Assignments.AsNoTracking().Where(a => teams.Contains(a.TeamId))
            .OrderBy(a => a.DueOn).ThenBy(a => a.Team!.Name)
            .Select(a => new AssignmentRow(a.Id, a.TeamId, a.Team!.Name, a.ScenarioId, a.Scenario!.Title, a.DueOn, a.Note,
                db.TeamMembers.Count(m => m.TeamId == a.TeamId && m.User!.IsActive),
                db.TeamMembers.Count(m => m.TeamId == a.TeamId && m.User!.IsActive && db.PracticeSessions.Any(s => !s.IsTryOut &&
                    s.UserId == m.UserId && (s.ScenarioId == a.ScenarioId || db.Scenarios.Any(v => v.Id == s.ScenarioId && v.VariantOfId == a.ScenarioId))
                    && s.CompletedAt != null && s.CompletedAt >= a.CreatedAt))))
            .ToListAsync(ct);
    }

    public async Task<Guid> CreateAsync(AssignmentInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var errors = new FieldErrors();
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == input.TeamId, ct);
        if (team is null) errors.Add(nameof(input.TeamId), "Choose a team.");
        else if (!caller.Leads(team))
            throw new ForbiddenException("You can assign practice only to the teams you lead.");
        // Assignments go to a team: only what every learner may practise.
        var scenario = await db.Scenarios.OpenToLearners().Where(s => s.Id == input.ScenarioId).Select(s => new { s.LiveVersion }).SingleOrDefaultAsync(ct);
        if (scenario is null) errors.Add(nameof(input.ScenarioId), "Choose a published scenario that learners can see.");
        var today = Today();
        if (input.DueOn is not { } due) errors.Add(nameof(input.DueOn), "Choose a due date.");
        else if (due < today) errors.Add(nameof(input.DueOn), "The due date has passed: choose today or later.");
        else if (due > today.AddDays(MaxDaysAhead)) errors.Add(nameof(input.DueOn), "Choose a due date within a year.");
        var note = (input.Note ?? "").Trim();
        if (note.Length > MaxNoteLength) errors.Add(nameof(input.Note), $"Keep the note under {MaxNoteLength} characters.");
        if (team is not null && await db.Assignments.AnyAsync(a => a.TeamId == team.Id && a.ScenarioId == input.ScenarioId, ct))
            errors.Add(nameof(input.ScenarioId), "This scenario is already assigned to the team: remove it first to set a new date.");
        errors.ThrowIfAny();

        var assignment = new Assignment
        {
            OrganisationId = caller.OrganisationId, TeamId = team!.Id, ScenarioId = input.ScenarioId, DueOn = input.DueOn!.Value, Note = note,
            AssignedById = caller.UserId, CreatedAt = clock.GetUtcNow(), ScenarioVersion = scenario!.LiveVersion,
        };
        db.Assignments.Add(assignment);
        // The team's members hear of it in the same transaction: no assignment without its notifications, nor the reverse.
        var members = await db.TeamMembers.Where(m => m.TeamId == team.Id && m.User!.IsActive && m.UserId != caller.UserId)
            .Select(m => m.UserId).ToListAsync(ct);
        var title = await db.Scenarios.Where(s => s.Id == input.ScenarioId).Select(s => s.Title).SingleAsync(ct);
        notifier.Add(db, caller.OrganisationId, members, NotificationKind.AssignmentGiven, $"New assignment: {title}",
            AssignmentReminders.Describe(team.Name, assignment.DueOn, note), $"/scenarios/{input.ScenarioId}");
        audit.Record(db, caller, AuditAction.Create, Subject(assignment.Id, title, team.Name),
            $"Assigned “{title}” to {team.Name}, due {assignment.DueOn:yyyy-MM-dd}",
            AuditTrail.Diff(("Team", null, team.Name), ("Scenario", null, title), ("Due", null, assignment.DueOn.ToString("yyyy-MM-dd")),
                ("Note", null, note.Length == 0 ? null : note)));
        await db.SaveChangesAsync(ct);
        notifier.Announce();
        return assignment.Id;
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var assignment = await db.Assignments.Include(a => a.Team).SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw new ForbiddenException("This assignment does not exist in your organisation.");
        if (!caller.Leads(assignment.Team!))
            throw new ForbiddenException("You can remove assignments only from the teams you lead.");
        var title = await db.Scenarios.Where(s => s.Id == assignment.ScenarioId).Select(s => s.Title).FirstOrDefaultAsync(ct)
            ?? $"Scenario {assignment.ScenarioId}";
        audit.Record(db, caller, AuditAction.Delete, Subject(assignment.Id, title, assignment.Team!.Name),
            $"Removed “{title}” from {assignment.Team.Name}'s assignments",
            AuditTrail.Diff(("Team", assignment.Team.Name, null), ("Scenario", title, null), ("Due", assignment.DueOn.ToString("yyyy-MM-dd"), null)));
        db.Assignments.Remove(assignment);
        await db.SaveChangesAsync(ct);
    }

    private static AuditSubject Subject(Guid id, string scenario, string team) => new(AuditSubjects.Assignment, id.ToString(), $"{scenario} for {team}");

    /// <summary>What is assigned to the caller through their teams, soonest due first, done ones last.</summary>
    public async Task<IReadOnlyList<MyAssignment>> ListMineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = db.TeamMembers.Where(m => m.UserId == caller.UserId).Select(m => m.TeamId);
        var open = db.Scenarios.OpenToLearners().Select(s => s.Id);
        var rows = await db.Assignments.AsNoTracking().Where(a => teams.Contains(a.TeamId) && open.Contains(a.ScenarioId))
            .Select(a => new
            {
                a.Id, a.ScenarioId, a.Scenario!.Title, Team = a.Team!.Name, a.DueOn, a.Note,
                // A session of the scenario's A/B variant counts for it: an experiment gave the learner B in A's place.
                Done = db.PracticeSessions.Any(s => !s.IsTryOut && s.UserId == caller.UserId
                    && (s.ScenarioId == a.ScenarioId || db.Scenarios.Any(v => v.Id == s.ScenarioId && v.VariantOfId == a.ScenarioId))
                    && s.CompletedAt != null && s.CompletedAt >= a.CreatedAt),
            })
            .ToListAsync(ct);
        var today = await TodayForAsync(db, caller, ct);
        return rows
            // The same scenario assigned through two teams shows once, with the earlier date.
            .GroupBy(r => r.ScenarioId).Select(g => g.OrderBy(r => r.DueOn).First())
            .Select(r => new MyAssignment(r.Id, r.ScenarioId, r.Title, r.Team, r.DueOn, r.Note,
                r.Done ? AssignmentState.Done : r.DueOn < today ? AssignmentState.Overdue : AssignmentState.Due, r.DueOn.DayNumber - today.DayNumber))
            .OrderBy(a => a.State == AssignmentState.Done).ThenBy(a => a.DueOn).ThenBy(a => a.Scenario).ToList();
    }

    public static ExportTable Table(IReadOnlyList<AssignmentRow> rows) => new("Assignments",
        [new("Team"), new("Scenario"), new("Due"), new("Members", ColumnKind.Number), new("Done", ColumnKind.Number), new("Note")],
        rows.Select(r => new object?[] { r.Team, r.Scenario, r.DueOn.ToString("yyyy-MM-dd"), r.Members, r.Done, r.Note }));

    public DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<DateOnly> TodayForAsync(AppDbContext db, Caller caller, CancellationToken ct)
    {
        var zone = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TimeZone).SingleAsync(ct);
        return ProgressRules.LocalDay(clock.GetUtcNow(), ProgressRules.Zone(zone));
    }
}

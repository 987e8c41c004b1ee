using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Programs;

public sealed record ProgramDayInput(string? Theme, IReadOnlyList<int>? ScenarioIds, int MinScore, UnlockRule Unlock);

public sealed record ProgramInput(string? Name, string? Description, IReadOnlyList<ProgramDayInput>? Days);

public sealed record ProgramRow(Guid Id, string Name, string Description, int Days, int Version, int Enrolments);

public sealed record ScenarioRef(int Id, string Title);

public sealed record ProgramDayView(int Number, string Theme, int MinScore, UnlockRule Unlock, IReadOnlyList<ScenarioRef> Scenarios);

public sealed record EnrolmentRow(Guid Id, Guid TeamId, string Team, DateOnly StartOn, bool WholeTeam, int Learners, int ProgramVersion);

public sealed record ProgramDetail(Guid Id, string Name, string Description, int Version, IReadOnlyList<ProgramDayView> Days,
    IReadOnlyList<EnrolmentRow> Enrolments, bool CanEnrol);

/// <summary>
/// Training programs: Managers and Content managers build them (a name, a description, 1–60 days of themed, published
/// scenarios with a minimum score and an unlock rule); what is enrolled and followed lives in <see cref="EnrolmentService"/>.
/// </summary>
public sealed class ProgramService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit)
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxThemeLength = 100;
    public const int MaxDays = 60;
    public const int MaxScenariosPerDay = 5;
    public const int MaxSearchResults = 20;

    public async Task<IReadOnlyList<ProgramRow>> ListAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = db.TeamsLedBy(caller).Select(t => t.Id);
        var rows = await db.Set<TrainingProgram>().AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Description, p.Days, p.Version,
                Enrolments = db.Set<ProgramEnrolment>().Count(e => e.ProgramId == p.Id && teams.Contains(e.TeamId)) })
            .ToListAsync(ct);
        return rows.Select(p => new ProgramRow(p.Id, p.Name, p.Description, p.Days.Count, p.Version, p.Enrolments)).ToList();
    }

    public async Task<ProgramDetail> GetAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var program = await db.Set<TrainingProgram>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new ForbiddenException("This program does not exist in your organisation.");
        var ids = program.Days.SelectMany(d => d.ScenarioIds).Distinct().ToList();
        var titles = await db.Scenarios.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        var teams = db.TeamsLedBy(caller).Select(t => t.Id);
        var enrolments = await db.Set<ProgramEnrolment>().AsNoTracking().Where(e => e.ProgramId == id && teams.Contains(e.TeamId))
            .OrderByDescending(e => e.StartOn).ThenBy(e => e.Team!.Name)
            .Select(e => new EnrolmentRow(e.Id, e.TeamId, e.Team!.Name, e.StartOn, e.WholeTeam,
                e.WholeTeam ? db.TeamMembers.Count(m => m.TeamId == e.TeamId && m.User!.IsActive) : e.Members.Count, e.ProgramVersion))
            .ToListAsync(ct);
        return new ProgramDetail(program.Id, program.Name, program.Description, program.Version,
            program.Days.Select((d, i) => new ProgramDayView(i + 1, d.Theme, d.MinScore, d.Unlock,
                d.ScenarioIds.Select(s => new ScenarioRef(s, titles.GetValueOrDefault(s, "(scenario removed)"))).ToList())).ToList(),
            enrolments, caller.Can(Permission.ViewTeamProgress));
    }

    /// <summary>Published scenarios open to learners whose title contains the text: what a program day may hold.</summary>
    public async Task<IReadOnlyList<ScenarioRef>> SearchScenariosAsync(string? text, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var query = db.Scenarios.OpenToLearners().Where(s => s.OrganisationId == caller.OrganisationId);
        var typed = (text ?? "").Trim();
        if (typed.Length > 100) typed = typed[..100];
        if (typed.Length > 0)
        {
            query = SqlDialect.Of(db.Database).WhereContains(query, s => s.Title, typed);
        }
        return await query.OrderBy(s => s.Title).ThenBy(s => s.Id).Take(MaxSearchResults).Select(s => new ScenarioRef(s.Id, s.Title)).ToListAsync(ct);
    }

    public async Task<Guid> CreateAsync(ProgramInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var (name, description, days) = await ValidateAsync(db, input, null, ct);
        var now = clock.GetUtcNow();
        var program = new TrainingProgram
        {
            OrganisationId = caller.OrganisationId, Name = name, Description = description, Days = days,
            CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
        };
        db.Add(program);
        audit.Record(db, caller, AuditAction.Create, Subject(program), $"Created the program “{name}” ({days.Count} days)",
            AuditTrail.Diff(("Name", null, name), ("Days", null, days.Count)));
        await db.SaveChangesAsync(ct);
        return program.Id;
    }

    /// <summary>Saves a new version of the program; enrolments already made keep the days they started with.</summary>
    public async Task UpdateAsync(Guid id, ProgramInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var program = await db.Set<TrainingProgram>().SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new ForbiddenException("This program does not exist in your organisation.");
        var (name, description, days) = await ValidateAsync(db, input, id, ct);
        audit.Record(db, caller, AuditAction.Update, Subject(program), $"Saved version {program.Version + 1} of the program “{name}”",
            AuditTrail.Diff(("Name", program.Name, name), ("Days", program.Days.Count, days.Count)));
        (program.Name, program.Description, program.Days, program.UpdatedAt) = (name, description, days, clock.GetUtcNow());
        program.Version++;
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManagePrograms, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var program = await db.Set<TrainingProgram>().SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new ForbiddenException("This program does not exist in your organisation.");
        // Enrolments go with it: refuse while a team the caller does not lead is on it.
        var teams = db.TeamsLedBy(caller).Select(t => t.Id);
        if (await db.Set<ProgramEnrolment>().AnyAsync(e => e.ProgramId == id && !teams.Contains(e.TeamId), ct))
            throw new ForbiddenException("Other managers' teams are on this program: ask them (or an Admin) to remove their enrolments first.");
        audit.Record(db, caller, AuditAction.Delete, Subject(program), $"Deleted the program “{program.Name}”",
            AuditTrail.Diff(("Name", program.Name, null)));
        db.Remove(program);
        await db.SaveChangesAsync(ct);
    }

    private static AuditSubject Subject(TrainingProgram p) => new(AuditSubjects.Program, p.Id.ToString(), p.Name);

    private static async Task<(string Name, string Description, List<ProgramDayPlan> Days)> ValidateAsync(
        AppDbContext db, ProgramInput input, Guid? id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = (input.Name ?? "").Trim();
        var description = (input.Description ?? "").Trim();
        errors.Check(name.Length > 0, nameof(input.Name), "Give the program a name.")
            .Check(name.Length <= MaxNameLength, nameof(input.Name), $"Keep the name under {MaxNameLength} characters.")
            .Check(description.Length <= MaxDescriptionLength, nameof(input.Description), $"Keep the description under {MaxDescriptionLength} characters.");
        if (name.Length > 0 && await db.Set<TrainingProgram>().AnyAsync(p => p.Name == name && p.Id != id, ct))
            errors.Add(nameof(input.Name), "Another program has this name: choose another.");
        var days = input.Days ?? [];
        errors.Check(days.Count is >= 1 and <= MaxDays, nameof(input.Days), $"A program has between 1 and {MaxDays} days.");
        var wanted = days.SelectMany(d => d.ScenarioIds ?? []).Distinct().ToList();
        var open = (await db.Scenarios.OpenToLearners().Where(s => wanted.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        var plans = new List<ProgramDayPlan>();
        for (var i = 0; i < Math.Min(days.Count, MaxDays); i++)
        {
            var day = days[i];
            var field = $"Days[{i}]";
            var theme = (day.Theme ?? "").Trim();
            var scenarios = (day.ScenarioIds ?? []).Distinct().ToList();
            errors.Check(theme.Length > 0, $"{field}.Theme", $"Give day {i + 1} a theme.")
                .Check(theme.Length <= MaxThemeLength, $"{field}.Theme", $"Keep day {i + 1}'s theme under {MaxThemeLength} characters.")
                .Check(scenarios.Count > 0, $"{field}.ScenarioIds", $"Choose at least one scenario for day {i + 1}.")
                .Check(scenarios.Count <= MaxScenariosPerDay, $"{field}.ScenarioIds", $"Choose at most {MaxScenariosPerDay} scenarios a day.")
                .Check(scenarios.All(open.Contains), $"{field}.ScenarioIds", $"Day {i + 1}: choose scenarios that are published for learners.")
                .Check(day.MinScore is >= 0 and <= 100, $"{field}.MinScore", $"Day {i + 1}: the minimum score is between 0 and 100.")
                .Check(Enum.IsDefined(day.Unlock), $"{field}.Unlock", $"Day {i + 1}: choose when the day opens.");
            plans.Add(new ProgramDayPlan { Theme = theme, ScenarioIds = scenarios, MinScore = day.MinScore, Unlock = day.Unlock });
        }
        errors.ThrowIfAny();
        return (name, description, plans);
    }
}

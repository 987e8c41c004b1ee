using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Experiments;

public sealed record ExperimentInput(int ScenarioBId, string? Name, int PercentB = 50);

/// <summary>A published variant whose original is published too and which no running experiment uses: what may be tested.</summary>
public sealed record ExperimentCandidate(int ScenarioAId, string TitleA, int ScenarioBId, string TitleB);

public sealed record ExperimentRow(Guid Id, string Name, string TitleA, string TitleB, int PercentB, ExperimentStatus Status, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt, string? Winner, int SessionsA, int SessionsB);

/// <summary>One variant's figures: learners and sessions, completion, scores and turns.</summary>
public sealed record VariantFigures(string Variant, int ScenarioId, string Title, int Learners, int Sessions, int Completed, double? AverageScore,
    double? AverageTurns, int LearnersScored)
{
    public double? CompletionRate => Sessions == 0 ? null : (double)Completed / Sessions;
}

public sealed record CriterionComparison(string Criterion, double? AverageA, int SamplesA, double? AverageB, int SamplesB);

public sealed record ExperimentReport(Guid Id, string Name, ExperimentStatus Status, int PercentB, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    string? Winner, VariantFigures A, VariantFigures B, IReadOnlyList<CriterionComparison> Criteria, WelchResult? Test, string Verdict);

/// <summary>
/// A/B experiments on scenario variants. A creator makes variant B of a published scenario A (a linked copy, edited and
/// published through the usual lifecycle); starting an experiment splits the learners who practise A or B between the
/// two (<see cref="VariantSplit"/>); the report compares them; ending keeps the winner. When B wins, its content is
/// published as A's next version, so every link, assignment and history entry that names A keeps working and now
/// gets B's content; B is archived. When A wins, B is archived.
/// </summary>
public sealed class ExperimentService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit)
{
    public const int MaxNameLength = 100;
    /// <summary>Learners with a scored, completed session each variant needs before the significance test is run.</summary>
    public const int MinLearnersPerVariant = 10;
    public const double Alpha = 0.05;
    public const string VariantSuffix = " (B)";

    /// <summary>Variant B of a published scenario: a draft copy linked to it, with the same visibility, for the caller to edit and publish.</summary>
    public async Task<int> CreateVariantAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var source = await db.LoadReadableAsync(caller, scenarioId, ct);
        if (source.Status != ScenarioStatus.Published)
            throw new ValidationFailedException("Scenario", "Publish the scenario first: a variant is tested against what learners practise.");
        if (source.VariantOfId is not null)
            throw new ValidationFailedException("Scenario", "This is already a variant: make the variant from the original scenario.");
        if (await db.Scenarios.AnyAsync(s => s.VariantOfId == source.Id && s.Status != ScenarioStatus.Archived, ct))
            throw new ValidationFailedException("Scenario", "This scenario already has a variant: edit that one, or archive it first.");
        var doc = source.ToDocument();
        var title = doc.Title.Length + VariantSuffix.Length > 100 ? doc.Title[..(100 - VariantSuffix.Length)].TrimEnd() : doc.Title;
        doc.Title = title + VariantSuffix;
        doc.Slug = await ScenarioCommands.UniqueSlugAsync(db.Scenarios, source.Slug, new HashSet<string>(), ct);
        var now = clock.GetUtcNow();
        var variant = new Scenario
        {
            OrganisationId = caller.OrganisationId, CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
            Visibility = source.Visibility, Status = ScenarioStatus.Draft, VariantOfId = source.Id,
        };
        variant.Apply(doc);
        db.Scenarios.Add(variant);
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpsertAsync(db, variant, ct);
        audit.Record(db, caller, AuditAction.Create, new AuditSubject(AuditSubjects.Scenario, variant.Id.ToString(), doc.Title),
            $"Made variant B of “{source.Title}” for an A/B experiment");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return variant.Id;
    }

    /// <summary>The pairs that may be tested now: a published variant of a published scenario, neither in a running experiment.</summary>
    public async Task<IReadOnlyList<ExperimentCandidate>> CandidatesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.RunExperiments, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var running = db.Experiments.Where(e => e.Status == ExperimentStatus.Running);
        return await db.Scenarios.Where(b => b.VariantOfId != null && b.Status == ScenarioStatus.Published)
            .Join(db.Scenarios.Where(a => a.Status == ScenarioStatus.Published), b => b.VariantOfId, a => a.Id, (b, a) => new { a, b })
            .Where(x => !running.Any(e => e.ScenarioAId == x.a.Id || e.ScenarioBId == x.b.Id))
            .OrderBy(x => x.a.Title)
            .Select(x => new ExperimentCandidate(x.a.Id, x.a.Title, x.b.Id, x.b.Title))
            .ToListAsync(ct);
    }

    public async Task<Guid> StartAsync(ExperimentInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.RunExperiments, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var errors = new FieldErrors();
        var b = await db.Scenarios.AsNoTracking().SingleOrDefaultAsync(s => s.Id == input.ScenarioBId, ct);
        var a = b?.VariantOfId is { } aId ? await db.Scenarios.AsNoTracking().SingleOrDefaultAsync(s => s.Id == aId, ct) : null;
        if (b is null || a is null) errors.Add(nameof(input.ScenarioBId), "Choose a variant made with “Make variant B”.");
        else if (a.Status != ScenarioStatus.Published || b.Status != ScenarioStatus.Published)
            errors.Add(nameof(input.ScenarioBId), "Publish both the scenario and its variant before testing them.");
        else if (await db.Experiments.AnyAsync(e => e.Status == ExperimentStatus.Running
                     && (e.ScenarioAId == a.Id || e.ScenarioBId == b.Id || e.ScenarioAId == b.Id || e.ScenarioBId == a.Id), ct))
            errors.Add(nameof(input.ScenarioBId), "An experiment on this scenario is already running: end it first.");
        if (input.PercentB is < 10 or > 90) errors.Add(nameof(input.PercentB), "Give B between 10 % and 90 % of the learners.");
        var name = (input.Name ?? "").Trim();
        if (name.Length == 0 && a is not null) name = a.Title.Length > MaxNameLength ? a.Title[..MaxNameLength] : a.Title;
        if (name.Length > MaxNameLength) errors.Add(nameof(input.Name), $"Keep the name under {MaxNameLength} characters.");
        errors.ThrowIfAny();

        var experiment = new Experiment
        {
            OrganisationId = caller.OrganisationId, Name = name, ScenarioAId = a!.Id, ScenarioBId = b!.Id, PercentB = input.PercentB,
            Status = ExperimentStatus.Running, StartedById = caller.UserId, StartedAt = clock.GetUtcNow(),
        };
        db.Experiments.Add(experiment);
        audit.Record(db, caller, AuditAction.Create, new AuditSubject(AuditSubjects.Scenario, a.Id.ToString(), a.Title),
            $"Started the A/B experiment “{name}”: “{a.Title}” against “{b.Title}”, {input.PercentB} % of learners to B");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return experiment.Id;
    }

    public async Task<IReadOnlyList<ExperimentRow>> ListAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.RunExperiments, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Experiments.AsNoTracking().OrderBy(e => e.Status).ThenByDescending(e => e.StartedAt)
            .Select(e => new ExperimentRow(e.Id, e.Name, e.ScenarioA!.Title, e.ScenarioB!.Title, e.PercentB, e.Status, e.StartedAt, e.EndedAt, e.Winner,
                db.PracticeSessions.Count(s => s.ExperimentId == e.Id && s.Variant == "A" && !s.IsTryOut),
                db.PracticeSessions.Count(s => s.ExperimentId == e.Id && s.Variant == "B" && !s.IsTryOut)))
            .ToListAsync(ct);
    }

    /// <summary>The comparison: per variant, the learners and sessions, completion, average score and turns; per criterion; and the test.</summary>
    public async Task<ExperimentReport> GetAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.RunExperiments, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var e = await db.Experiments.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.Id, x.Name, x.Status, x.PercentB, x.StartedAt, x.EndedAt, x.Winner, x.ScenarioAId, TitleA = x.ScenarioA!.Title,
                x.ScenarioBId, TitleB = x.ScenarioB!.Title })
            .SingleOrDefaultAsync(ct) ?? throw new ForbiddenException(NotFound);
        var sessions = db.PracticeSessions.Where(s => s.ExperimentId == id && !s.IsTryOut);
        // One row per variant and learner: each learner's sessions, completions, scored mean and turns. A learner's
        // sessions are not independent of each other, so the test compares learners' means, not sessions.
        var perLearner = await sessions.GroupBy(s => new { s.Variant, s.UserId })
            .Select(g => new
            {
                g.Key.Variant, Sessions = g.Count(), Completed = g.Count(s => s.CompletedAt != null),
                Mean = g.Where(s => s.CompletedAt != null && s.OverallScore != null).Average(s => (double?)s.OverallScore),
                ScoreSum = g.Where(s => s.CompletedAt != null && s.OverallScore != null).Sum(s => (double?)s.OverallScore) ?? 0,
                Scored = g.Count(s => s.CompletedAt != null && s.OverallScore != null),
                Turns = g.Where(s => s.CompletedAt != null).Sum(s => (double?)s.Answers) ?? 0,
            })
            .ToListAsync(ct);
        var criteria = await db.ExperimentCriterionTotals.AsNoTracking().Where(t => t.ExperimentId == id && t.Samples > 0)
            .Select(t => new { t.Variant, t.Criterion, t.Total, Samples = t.Samples }).ToListAsync(ct);

        VariantFigures Figures(string variant, int scenarioId, string title)
        {
            var rows = perLearner.Where(r => r.Variant == variant).ToList();
            var (completed, scored) = (rows.Sum(r => r.Completed), rows.Sum(r => r.Scored));
            return new VariantFigures(variant, scenarioId, title, rows.Count, rows.Sum(r => r.Sessions), completed,
                scored == 0 ? null : rows.Sum(r => r.ScoreSum) / scored, completed == 0 ? null : rows.Sum(r => r.Turns) / completed,
                rows.Count(r => r.Mean is not null));
        }

        var a = Figures("A", e.ScenarioAId, e.TitleA);
        var b = Figures("B", e.ScenarioBId, e.TitleB);
        var comparisons = criteria.Select(c => c.Criterion).Distinct().Order(StringComparer.OrdinalIgnoreCase).Select(name =>
        {
            var ca = criteria.SingleOrDefault(c => c.Criterion == name && c.Variant == "A");
            var cb = criteria.SingleOrDefault(c => c.Criterion == name && c.Variant == "B");
            return new CriterionComparison(name, ca is null ? null : (double)ca.Total / ca.Samples, ca?.Samples ?? 0,
                cb is null ? null : (double)cb.Total / cb.Samples, cb?.Samples ?? 0);
        }).ToList();
        var meansA = perLearner.Where(r => r.Variant == "A" && r.Mean is not null).Select(r => r.Mean!.Value).ToList();
        var meansB = perLearner.Where(r => r.Variant == "B" && r.Mean is not null).Select(r => r.Mean!.Value).ToList();
        var (test, verdict) = Judge(meansA, meansB);
        return new ExperimentReport(e.Id, e.Name, e.Status, e.PercentB, e.StartedAt, e.EndedAt, e.Winner, a, b, comparisons, test, verdict);
    }

    /// <summary>The test on the learners' mean scores, and what it means in a sentence.</summary>
    public static (WelchResult? Test, string Verdict) Judge(IReadOnlyCollection<double> meansA, IReadOnlyCollection<double> meansB)
    {
        if (meansA.Count < MinLearnersPerVariant || meansB.Count < MinLearnersPerVariant)
            return (null, $"Not enough data yet: at least {MinLearnersPerVariant} learners with a completed session per variant " +
                $"(A has {meansA.Count}, B has {meansB.Count}).");
        var test = ExperimentStatistics.Welch(meansA, meansB);
        var p = ShowP(test.P);
        if (test.P >= Alpha) return (test, $"No significant difference yet ({p}).");
        return (test, test.T < 0 ? $"B scores higher ({p})." : $"A scores higher ({p}).");
    }

    /// <summary>"p &lt; 0.001" or "p = 0.012".</summary>
    public static string ShowP(double p) => p < 0.001 ? "p < 0.001" : $"p = {p:0.000}";

    /// <summary>
    /// Ends a running experiment keeping <paramref name="winner"/> ("A" or "B"). B winning publishes B's content as A's
    /// next version (A keeps its title and slug, so links and assignments to A keep working) and archives B; A winning
    /// archives B. One transaction.
    /// </summary>
    public async Task EndAsync(Guid id, string winner, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.RunExperiments, ct);
        if (winner is not ("A" or "B")) throw new ValidationFailedException("Winner", "Choose the variant to keep: A or B.");
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var e = await db.Experiments.SingleOrDefaultAsync(x => x.Id == id, ct) ?? throw new ForbiddenException(NotFound);
        if (e.Status != ExperimentStatus.Running) throw new ValidationFailedException("Winner", "This experiment has already ended.");
        var a = await db.Scenarios.Include(s => s.Phases).SingleAsync(s => s.Id == e.ScenarioAId, ct);
        var b = await db.Scenarios.Include(s => s.Phases).SingleAsync(s => s.Id == e.ScenarioBId, ct);
        var now = clock.GetUtcNow();
        if (winner == "B") await PromoteAsync(db, caller, a, b, now, ct);
        var from = b.Status;
        (b.Status, b.UpdatedAt) = (ScenarioStatus.Archived, now);
        audit.Record(db, caller, AuditAction.StatusChange, new AuditSubject(AuditSubjects.Scenario, b.Id.ToString(), b.Title),
            $"Archived at the end of the A/B experiment “{e.Name}”", AuditTrail.Diff(("Status", from, ScenarioStatus.Archived)));
        (e.Status, e.Winner, e.EndedAt, e.EndedById) = (ExperimentStatus.Ended, winner, now, caller.UserId);
        await db.SaveChangesAsync(ct);
        // Archiving B changes no word in the search index (the status is not one: ScenarioSearchIndex.Facets).
        if (winner == "B") await ScenarioSearchIndex.UpsertAsync(db, a, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>B's published content becomes A's next version, under A's title and slug.</summary>
    private async Task PromoteAsync(AppDbContext db, Caller caller, Scenario a, Scenario b, DateTimeOffset now, CancellationToken ct)
    {
        var doc = b.ToDocument();
        (doc.Title, doc.Slug) = (a.Title, a.Slug);
        db.ScenarioPhases.RemoveRange(a.Phases);
        a.Apply(doc);
        var number = (await db.ScenarioVersions.Where(v => v.ScenarioId == a.Id).MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
        db.ScenarioVersions.Add(new ScenarioVersion
        {
            OrganisationId = a.OrganisationId, ScenarioId = a.Id, Number = number, Document = a.ToDocument(),
            ChangeNote = ScenarioVersioning.Note($"Variant B won its A/B experiment: its content replaces version {a.LiveVersion}."),
            AuthorName = await db.Users.Where(u => u.Id == b.CreatedById).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "",
            PublishedById = caller.UserId, PublishedByName = caller.DisplayName, PublishedAt = now,
        });
        var before = a.LiveVersion;
        (a.LiveVersion, a.PublishedAt, a.UpdatedAt) = (number, now, now);
        a.Revision++;
        audit.Record(db, caller, AuditAction.Publish, new AuditSubject(AuditSubjects.Scenario, a.Id.ToString(), a.Title),
            $"Published version {number}: the content of variant B, which won its A/B experiment",
            AuditTrail.Diff(("Live version", before, number)));
    }

    private const string NotFound = "This experiment does not exist in your organisation.";
}

/// <summary>Practice asks here which variant a learner gets when they start a scenario in a running experiment.</summary>
public static class ExperimentArms
{
    public sealed record Arm(Guid ExperimentId, string Variant, int ScenarioId);

    /// <summary>The learner's arm when <paramref name="scenarioId"/> is A or B of a running experiment; null otherwise.</summary>
    public static async Task<Arm?> ForAsync(AppDbContext db, Caller caller, int scenarioId, CancellationToken ct)
    {
        var e = await db.Experiments.AsNoTracking()
            .Where(x => x.OrganisationId == caller.OrganisationId && x.Status == ExperimentStatus.Running
                && (x.ScenarioAId == scenarioId || x.ScenarioBId == scenarioId))
            .Select(x => new { x.Id, x.ScenarioAId, x.ScenarioBId, x.PercentB }).FirstOrDefaultAsync(ct);
        if (e is null) return null;
        var variant = VariantSplit.VariantFor(e.Id, caller.UserId, e.PercentB);
        return new Arm(e.Id, variant, variant == "B" ? e.ScenarioBId : e.ScenarioAId);
    }
}

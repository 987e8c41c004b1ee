using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Scenarios.Transfer;

public enum ImportAction { Create, Update, Unchanged }

/// <summary>What an import does to one scenario of the file; for an update, the fields it changes.</summary>
public sealed record ImportItem(string Slug, string Title, ImportAction Action, int? ExistingId, IReadOnlyList<string> Changes);

/// <summary>
/// The dry run of an import: what would be created, updated (matched by slug) and left unchanged, and every problem
/// at its place. <see cref="Imported"/> is set once an import has written it.
/// </summary>
public sealed record ImportPlan(string FileName, TransferFormat Format, IReadOnlyList<ImportItem> Items, IReadOnlyList<ImportProblem> Problems)
{
    public bool Imported { get; init; }
    /// <summary>Categories the file uses that the organisation's list lacks, added by the import (only Admins' imports add them).</summary>
    public IReadOnlyList<string> NewCategories { get; init; } = [];
    public int Creates => Items.Count(i => i.Action == ImportAction.Create);
    public int Updates => Items.Count(i => i.Action == ImportAction.Update);
    public int Unchanged => Items.Count(i => i.Action == ImportAction.Unchanged);
    public bool CanImport => Problems.Count == 0 && Items.Count > 0;
}

/// <summary>A file to download: its bytes, name and type, and how many scenarios it holds.</summary>
public sealed record ExportedFile(byte[] Content, string FileName, string ContentType, int Count);

/// <summary>
/// Moving scenarios in and out: export any the caller may read as JSON, YAML or Excel; import from the same formats
/// with a dry run first. An import is validated by the builder's rules (<see cref="ScenarioValidator"/>), matched to
/// existing scenarios by slug, and written in one transaction or not at all. New scenarios land as drafts; a file's
/// changes to a published scenario wait beside it as its draft, as an edit in the builder does.
/// </summary>
public sealed partial class ScenarioTransfer(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit,
    IOptions<TransferLimits> limits)
{
    private const int Chunk = 500;
    /// <summary>New scenarios written per save of an import (<see cref="SaveChunkAsync"/>).</summary>
    private const int WriteChunk = 100;

    public TransferLimits Limits => limits.Value;

    /// <summary>The chosen scenarios (those the caller may read), ordered by slug.</summary>
    public async Task<ExportedFile> ExportAsync(IReadOnlyCollection<int> ids, TransferFormat format, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ExportScenarios, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenarios = new List<Scenario>();
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
            scenarios.AddRange(await db.Scenarios.ReadableBy(caller).Where(s => chunk.Contains(s.Id)).Include(s => s.Phases).AsNoTracking().ToListAsync(ct));
        return await FileAsync(db, caller, scenarios, format, ct);
    }

    /// <summary>The whole library the caller may read, the seeded templates included.</summary>
    public async Task<ExportedFile> ExportAllAsync(TransferFormat format, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ExportScenarios, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenarios = await db.Scenarios.ReadableBy(caller).Include(s => s.Phases).AsNoTracking().ToListAsync(ct);
        return await FileAsync(db, caller, scenarios, format, ct);
    }

    private async Task<ExportedFile> FileAsync(AppDbContext db, Caller caller, List<Scenario> scenarios, TransferFormat format, CancellationToken ct)
    {
        var docs = scenarios.OrderBy(s => s.Slug, StringComparer.Ordinal).Select(s => s.ToDocument()).ToList();
        // A persona's picture stays in its organisation (persona cards carry pictures between installs).
        foreach (var doc in docs) doc.Persona.AvatarId = null;
        var content = await ScenarioFileWriter.ToBytesAsync(docs, format, ct);
        var name = docs.Count == 1 ? docs[0].Slug : $"scenarios-{clock.GetUtcNow():yyyy-MM-dd}";
        var subject = docs.Count == 1
            ? new AuditSubject("Scenario", scenarios[0].Id.ToString(), docs[0].Title)
            : new AuditSubject("Scenarios", "", $"{docs.Count} scenarios");
        audit.Record(db, caller, AuditAction.Export, subject,
            $"Exported {(docs.Count == 1 ? "the scenario" : $"{docs.Count} scenarios")} as {FormatName(format)}");
        await db.SaveChangesAsync(ct);
        return new ExportedFile(content, $"{name}.{ScenarioFile.Extension(format)}", ScenarioFile.ContentType(format), docs.Count);
    }

    public static string FormatName(TransferFormat format) => format switch
    {
        TransferFormat.Json => "JSON",
        TransferFormat.Yaml => "YAML",
        _ => "Excel",
    };

    /// <summary>The ids of the caller's readable scenarios with these slugs (after an import, to act on what it wrote).</summary>
    public async Task<IReadOnlyList<int>> IdsOfAsync(IReadOnlyCollection<string> slugs, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ImportScenarios, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var ids = new List<int>();
        foreach (var chunk in slugs.Chunk(Chunk))
            ids.AddRange(await db.Scenarios.ReadableBy(caller).Where(s => chunk.Contains(s.Slug)).Select(s => s.Id).ToListAsync(ct));
        return ids;
    }

    /// <summary>What importing the file would do, and every problem at its place; nothing is written.</summary>
    public async Task<ImportPlan> DryRunAsync(ReadOnlyMemory<byte> content, string fileName, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ImportScenarios, ct);
        var parsed = await Task.Run(() => ScenarioFileReader.Read(content, fileName, limits.Value, Scaled(progress, 0, 0.8)), ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var (plan, _) = await PlanAsync(db, caller, parsed, fileName, ct);
        progress?.Report(1);
        return plan;
    }

    /// <summary>
    /// Imports the file as its dry run says, all or nothing: the plan is made again inside the transaction (the library
    /// may have changed since the dry run), and any problem leaves the database as it was and comes back in the plan.
    /// </summary>
    public async Task<ImportPlan> ImportAsync(ReadOnlyMemory<byte> content, string fileName, IProgress<double>? progress = null,
        CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ImportScenarios, ct);
        var parsed = await Task.Run(() => ScenarioFileReader.Read(content, fileName, limits.Value, Scaled(progress, 0, 0.4)), ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (plan, existing) = await PlanAsync(db, caller, parsed, fileName, ct);
        if (!plan.CanImport) return plan;
        var writing = Scaled(progress, 0.5, 1);
        var now = clock.GetUtcNow();
        var source = $"from {Path.GetFileName(fileName)}".Shorten(120);
        if (plan.NewCategories.Count > 0)
        {
            await CategoryService.EnsureAsync(db, caller.OrganisationId, plan.NewCategories, now, ct);
            audit.Record(db, caller, AuditAction.Import, new AuditSubject(AuditSubjects.Category, "", string.Join(", ", plan.NewCategories)),
                $"Added {plan.NewCategories.Count} {(plan.NewCategories.Count == 1 ? "category" : "categories")} {source}");
        }
        var pending = new List<Scenario>();
        // Changes are found by hand, row by row: EF's automatic scan before a save compares every JSON column of every
        // tracked row, and the snapshots it keeps of rows once saved cost as much again as writing them (bench transfer).
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // No savepoint around each chunk's save (EF makes one inside a transaction): a failure rolls the whole import back
        // anyway, and each savepoint made FTS5 flush the index rows it holds in memory as a small segment of their own.
        db.Database.AutoSavepointsEnabled = false;
        for (var i = 0; i < plan.Items.Count; i++)
        {
            var item = plan.Items[i];
            var doc = parsed.Scenarios[i];
            if (item.Action == ImportAction.Create)
            {
                var scenario = new Scenario
                {
                    OrganisationId = caller.OrganisationId, CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
                    Visibility = Visibility.Organisation, Status = ScenarioStatus.Draft,
                };
                scenario.Apply(doc, copy: false);
                db.Scenarios.Add(scenario);
                pending.Add(scenario);
            }
            else if (item.Action == ImportAction.Update)
            {
                var (s, draft) = existing[item.Slug];
                var before = draft?.Document ?? s.ToDocument();
                var after = ScenarioCommands.SaveContent(db, s, draft, doc, draft?.Visibility ?? s.Visibility, caller.UserId, now);
                s.Revision++;
                db.Entry(s).DetectChanges();
                foreach (var phase in s.Phases) db.Entry(phase).DetectChanges();
                if (after is not null) db.Entry(after).DetectChanges();
                // Indexed now, while its new phases are still tracked (a chunk's save lets them go).
                if (after is null) await ScenarioSearchIndex.UpsertAsync(db, s, ct);
                audit.Record(db, caller, AuditAction.Import, new AuditSubject("Scenario", s.Id.ToString(), doc.Title),
                    after is null ? $"Updated the scenario {source}" : $"Updated the draft changes {source} (learners keep the live version)",
                    ScenarioDiff.Between(before, doc).ToFieldChanges());
            }
            if (pending.Count == WriteChunk || i == plan.Items.Count - 1)
            {
                // Written a chunk at a time, inside the one transaction: EF prepares every row of a save at once (its
                // commands and the JSON of every column), so saving the whole file together held all of it in memory
                // and kept the garbage collector busy promoting it (bench transfer: a third of the import's time).
                await SaveChunkAsync(db, pending, ct);
                foreach (var s in pending)
                    audit.Record(db, caller, AuditAction.Import, new AuditSubject("Scenario", s.Id.ToString(), s.Title), $"Created the scenario {source}");
                await SaveChunkAsync(db, [], ct);
                foreach (var s in pending) await ScenarioSearchIndex.UpsertAsync(db, s, ct);
                pending.Clear();
                writing?.Report((double)(i + 1) / plan.Items.Count);
            }
        }
        await tx.CommitAsync(ct);
        progress?.Report(1);
        return plan with { Imported = true };
    }

    /// <summary>
    /// Saves what the import has added and changed so far without keeping it tracked: the rows it added are let go (the
    /// new scenarios' ids read first), and the changed rows are accepted as saved. Saving without accepting the added rows
    /// spares EF a snapshot of every JSON column of rows never read again.
    /// </summary>
    private static async Task SaveChunkAsync(AppDbContext db, List<Scenario> created, CancellationToken ct)
    {
        await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
        foreach (var s in created) s.Id = db.Entry(s).Property(x => x.Id).CurrentValue;
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList()) entry.State = EntityState.Detached;
        db.ChangeTracker.AcceptAllChanges();
    }

    /// <summary>The plan for a parsed file: each scenario validated and matched by slug, problems placed in the file.</summary>
    private static async Task<(ImportPlan Plan, Dictionary<string, (Scenario Scenario, ScenarioDraft? Draft)> Existing)> PlanAsync(
        AppDbContext db, Caller caller, ParsedFile parsed, string fileName, CancellationToken ct)
    {
        var problems = new List<ImportProblem>(parsed.Problems);
        var existing = new Dictionary<string, (Scenario Scenario, ScenarioDraft? Draft)>(StringComparer.Ordinal);
        if (parsed.Scenarios.Count == 0)
        {
            if (problems.Count == 0) problems.Add(new ImportProblem("", "The file holds no scenarios."));
            return (new ImportPlan(fileName, parsed.Format, [], problems), existing);
        }

        var fieldProblems = new List<(int Scenario, string Key, string Message)>();
        var firstBySlug = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parsed.Scenarios.Count; i++)
        {
            var doc = parsed.Scenarios[i];
            Normalise(doc);
            foreach (var (key, messages) in ScenarioValidator.Validate(doc, forPublish: false).ToDictionary())
                fieldProblems.AddRange(messages.Select(m => (i, key, m)));
            if (doc.Slug.Length > 0 && !firstBySlug.TryAdd(doc.Slug, i))
                fieldProblems.Add((i, "Slug", $"the slug “{doc.Slug}” is used by scenario {firstBySlug[doc.Slug] + 1} of the file too."));
        }

        var slugs = firstBySlug.Keys.ToList();
        var found = new List<Scenario>();
        foreach (var chunk in slugs.Chunk(Chunk))
            found.AddRange(await db.Scenarios.Where(s => chunk.Contains(s.Slug)).Include(s => s.Phases).ToListAsync(ct));
        var ids = found.Select(s => s.Id).ToList();
        var drafts = new Dictionary<int, ScenarioDraft>();
        foreach (var chunk in ids.Chunk(Chunk))
            foreach (var d in await db.ScenarioDrafts.Where(d => chunk.Contains(d.ScenarioId)).ToListAsync(ct)) drafts[d.ScenarioId] = d;
        foreach (var s in found) existing[s.Slug] = (s, drafts.GetValueOrDefault(s.Id));

        var items = new List<ImportItem>();
        var newCategories = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var addsCategories = caller.Can(Permission.ManageCategories);
        for (var i = 0; i < parsed.Scenarios.Count; i++)
        {
            var doc = parsed.Scenarios[i];
            existing.TryGetValue(doc.Slug, out var match);
            // The picture is the organisation's own: a file never sets it, and an update keeps the scenario's.
            doc.Persona.AvatarId = match.Draft is not null ? match.Draft.Document.Persona.AvatarId : match.Scenario?.Persona.AvatarId;
            var categoryErrors = new FieldErrors();
            await CategoryService.CheckScenarioCategoryAsync(db, doc, match.Scenario is null ? null : match.Draft?.Document.Category
                ?? match.Scenario.Category, categoryErrors, ct);
            foreach (var (key, messages) in categoryErrors.ToDictionary())
            {
                if (addsCategories && messages.All(m => m == CategoryService.NotInList) && ScenarioValidator.IsValidCategory(doc.Category))
                    newCategories.Add(doc.Category.Trim());
                else fieldProblems.AddRange(messages.Select(m => (i, key, addsCategories || m != CategoryService.NotInList ? m
                    : $"“{doc.Category}” is not one of your organisation's categories: choose one, or ask an Admin to add it.")));
            }
            if (match.Scenario is null)
            {
                items.Add(new ImportItem(doc.Slug, doc.Title, ImportAction.Create, null, []));
                continue;
            }
            var (s, draft) = match;
            if (!Readable(s, caller))
            {
                fieldProblems.Add((i, "Slug", "another scenario of your organisation (private to its owner) uses this slug: choose another."));
                items.Add(new ImportItem(doc.Slug, doc.Title, ImportAction.Update, s.Id, []));
                continue;
            }
            if (!ScenarioAccess.ActionsFor(caller, s, draft).CanEdit)
            {
                fieldProblems.Add((i, "Slug", $"“{s.Title}” already uses this slug and this import may not change it: " +
                    $"{Lower(ScenarioCommands.EditRefusal(s))} Or choose another slug."));
                items.Add(new ImportItem(doc.Slug, doc.Title, ImportAction.Update, s.Id, []));
                continue;
            }
            var diff = ScenarioDiff.Between(draft?.Document ?? s.ToDocument(), doc);
            var changes = diff.Fields.Select(f => f.Field)
                .Concat(diff.Phases.Where(p => p.Kind != ChangeKind.Unchanged).Select(p => $"phase “{p.Name}” {p.Kind.ToString().ToLowerInvariant()}"))
                .ToList();
            items.Add(new ImportItem(doc.Slug, doc.Title, changes.Count == 0 ? ImportAction.Unchanged : ImportAction.Update, s.Id, changes));
        }

        var places = parsed.Places(fieldProblems.Select(f => (f.Scenario, f.Key)).ToList());
        problems.AddRange(fieldProblems.Select((f, n) => new ImportProblem(
            places[n].Length > 0 ? places[n] : $"scenario {f.Scenario + 1} ({parsed.Scenarios[f.Scenario].Slug})", f.Message)));
        return (new ImportPlan(fileName, parsed.Format, items, problems) { NewCategories = [.. newCategories] }, existing);
    }

    /// <summary>The document as a save would store it, so comparing it with the stored one finds only real changes.</summary>
    private static void Normalise(ScenarioDocument doc)
    {
        doc.Slug = doc.Slug.Trim();
        doc.EstimatedMinutes = doc.TotalMinutes();
        // A phase key is the app's own identifier; one that is not (edited by hand) is replaced, as a missing one is.
        foreach (var phase in doc.Phases)
            if (!PhaseKey().IsMatch(phase.Key)) phase.Key = "";
        doc.Phases = ScenarioVersioning.WithPhaseKeys(doc.Phases).ToList();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex PhaseKey();

    private static string Lower(string message) => message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1])
        ? char.ToLowerInvariant(message[0]) + message[1..] : message;

    /// <summary>The one rule of who reads what (<see cref="ScenarioAccess.ReadableBy"/>), asked of one loaded scenario.</summary>
    private static bool Readable(Scenario s, Caller caller) => new[] { s }.AsQueryable().ReadableBy(caller).Any();

    private static IProgress<double>? Scaled(IProgress<double>? progress, double from, double to) =>
        progress is null ? null : new ScaledProgress(progress, from, to);

    /// <summary>Reports a step's progress (0–1) as its share of the whole (from–to).</summary>
    private sealed class ScaledProgress(IProgress<double> whole, double from, double to) : IProgress<double>
    {
        public void Report(double value) => whole.Report(from + (to - from) * Math.Clamp(value, 0, 1));
    }
}

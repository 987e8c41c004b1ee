using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Scenarios;

/// <summary>Writing scenarios: create, save, delete and duplicate, validated and in one transaction each.</summary>
public sealed class ScenarioCommands(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit)
{
    public async Task<int> CreateAsync(ScenarioDocument doc, Visibility visibility = Visibility.Organisation, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ValidateAsync(db, doc, null, null, forPublish: false, ct);
        var id = await AddDraftAsync(db, caller, doc, CheckVisibility(visibility), ct);
        audit.Record(db, caller, AuditAction.Create, new AuditSubject("Scenario", id.ToString(), doc.Title), "Created the scenario");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Saves the whole document; refused (and nothing written) when invalid or when <paramref name="revision"/> is stale.
    /// A published scenario is not changed: the document is saved as the draft beside it, which learners do not see
    /// until it is reviewed and published (<see cref="ScenarioLifecycle"/>).
    /// </summary>
    public async Task<int> UpdateAsync(int id, ScenarioDocument doc, Visibility visibility, int revision, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var s = await db.LoadReadableAsync(caller, id, ct, tracked: true);
        if (!ScenarioAccess.ActionsFor(caller, s).CanEdit) throw new ForbiddenException(EditRefusal(s));
        if (s.Revision != revision) throw new ConcurrencyConflictException();
        var draft = await db.ScenarioDrafts.SingleOrDefaultAsync(d => d.ScenarioId == id, ct);
        // What is in review stays publishable: it must keep meeting the publishing rules.
        var inReview = draft?.Status == DraftStatus.InReview || (draft is null && s.Status == ScenarioStatus.InReview);
        await ValidateAsync(db, doc, id, draft?.Document.Category ?? s.Category, forPublish: inReview, ct);
        var now = clock.GetUtcNow();
        var before = draft?.Document ?? s.ToDocument();
        var beforeVisibility = draft?.Visibility ?? s.Visibility;
        draft = SaveContent(db, s, draft, doc, CheckVisibility(visibility), caller.UserId, now);
        s.Revision++;
        var changes = ScenarioDiff.Between(before, doc).ToFieldChanges().ToList();
        changes.AddRange(AuditTrail.Diff(("Visibility", beforeVisibility, visibility)));
        if (changes.Count > 0)
            audit.Record(db, caller, AuditAction.Update, new AuditSubject("Scenario", id.ToString(), doc.Title),
                draft is null ? "Edited the scenario" : "Edited the draft changes (learners keep the live version)", changes);
        await db.SaveChangesAsync(ct);
        if (draft is null) await ScenarioSearchIndex.UpsertAsync(db, s, ct);
        await tx.CommitAsync(ct);
        return s.Revision;
    }

    /// <summary>
    /// Writes <paramref name="doc"/> as the scenario's content: beside a published scenario as its pending draft, which
    /// learners do not see until it is published; onto the row otherwise. Returns the draft, or null when the row changed.
    /// The caller saves, and updates the search index when the row changed.
    /// </summary>
    internal static ScenarioDraft? SaveContent(AppDbContext db, Scenario s, ScenarioDraft? draft, ScenarioDocument doc, Visibility visibility,
        string userId, DateTimeOffset now)
    {
        if (s.Status == ScenarioStatus.Published)
        {
            draft = DraftBeside(db, s, draft);
            doc.Phases = ScenarioVersioning.WithPhaseKeys(doc.Phases).ToList();
            (draft.Document, draft.Visibility, draft.UpdatedById, draft.UpdatedAt) = (ScenarioJson.Clone(doc), visibility, userId, now);
            return draft;
        }
        db.ScenarioPhases.RemoveRange(s.Phases);
        s.Apply(doc);
        s.Visibility = visibility;
        s.UpdatedAt = now;
        return null;
    }

    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.DeleteScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var s = await db.LoadReadableAsync(caller, id, ct, tracked: true);
        db.Scenarios.Remove(s);
        audit.Record(db, caller, AuditAction.Delete, new AuditSubject("Scenario", id.ToString(), s.Title), "Deleted the scenario");
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.RemoveAsync(db, id, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A private draft copy of any scenario the caller can read (templates included).</summary>
    public async Task<int> DuplicateAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var source = await db.LoadReadableAsync(caller, id, ct);
        var doc = source.ToDocument();
        var title = source.IsSystem ? doc.Title : "Copy of " + doc.Title;
        doc.Title = title.Length > 100 ? title[..100].TrimEnd() : title;
        doc.Slug = await UniqueSlugAsync(db.Scenarios, source.Slug, new HashSet<string>(), ct);
        // A copy of a copy from another organisation's catalogue still came from there.
        var copyId = await AddDraftAsync(db, caller, doc, Visibility.Private, ct, source.SharedFrom);
        audit.Record(db, caller, AuditAction.Create, new AuditSubject("Scenario", copyId.ToString(), doc.Title), $"Duplicated “{source.Title}”");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return copyId;
    }

    /// <summary>
    /// A new draft owned by the caller, written with its search index row (inside the caller's transaction).
    /// <paramref name="sharedFrom"/> names the organisation whose shared catalogue the content was copied from.
    /// </summary>
    internal async Task<int> AddDraftAsync(AppDbContext db, Caller caller, ScenarioDocument doc, Visibility visibility, CancellationToken ct,
        string? sharedFrom = null)
    {
        var now = clock.GetUtcNow();
        var scenario = new Scenario
        {
            OrganisationId = caller.OrganisationId, CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
            Visibility = visibility, Status = ScenarioStatus.Draft, SharedFrom = sharedFrom,
        };
        scenario.Apply(doc);
        db.Scenarios.Add(scenario);
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpsertAsync(db, scenario, ct);
        return scenario.Id;
    }

    /// <summary>The pending change beside a published scenario: <paramref name="draft"/>, or a new one starting from the live content.</summary>
    internal static ScenarioDraft DraftBeside(AppDbContext db, Scenario s, ScenarioDraft? draft) => draft ?? db.ScenarioDrafts.Add(new ScenarioDraft
    {
        OrganisationId = s.OrganisationId, ScenarioId = s.Id, Status = DraftStatus.Draft, BaseVersion = s.LiveVersion ?? 0,
        Document = s.ToDocument(), Visibility = s.Visibility,
    }).Entity;

    internal static string EditRefusal(Scenario s) => s switch
    {
        { IsSystem: true } => "This is a library scenario: only Admins change it. Duplicate it to make your own version.",
        { Status: ScenarioStatus.Archived } => "This scenario is archived. Move it back to draft to edit it.",
        _ => "Your role may not edit scenarios.",
    };

    private static Visibility CheckVisibility(Visibility v) =>
        Enum.IsDefined(v) ? v : throw new ValidationFailedException("Visibility", "Choose a visibility.");

    /// <param name="currentCategory">The category the content had before the change (null for a new scenario), which it may keep when archived.</param>
    private static async Task ValidateAsync(AppDbContext db, ScenarioDocument doc, int? id, string? currentCategory, bool forPublish,
        CancellationToken ct)
    {
        var errors = ScenarioValidator.Validate(doc, forPublish);
        if (!errors.Has("Category")) await CategoryService.CheckScenarioCategoryAsync(db, doc, currentCategory, errors, ct);
        var slug = doc.Slug.Trim();
        if (slug.Length > 0 && await db.Scenarios.AnyAsync(s => s.Slug == slug && s.Id != id, ct))
            errors.Add("Slug", "Another scenario in your organisation already uses this slug.");
        errors.ThrowIfAny();
    }

    /// <summary>
    /// The first free "slug-2", "slug-3"… in <paramref name="scenarios"/> and not in <paramref name="pending"/>
    /// (slugs about to be saved). Candidates are looked up twenty at a time through the (OrganisationId, Slug)
    /// index, so the organisation's other slugs are never read. Duplicating and seeding the library both use it.
    /// </summary>
    internal static async Task<string> UniqueSlugAsync(IQueryable<Scenario> scenarios, string slug, IReadOnlySet<string> pending, CancellationToken ct)
    {
        const int batch = 20;
        var stem = slug.Length > 74 ? slug[..74] : slug;
        for (var from = 2; ; from += batch)
        {
            var candidates = Enumerable.Range(from, batch).Select(n => $"{stem}-{n}").ToList();
            var used = await scenarios.Where(s => candidates.Contains(s.Slug)).Select(s => s.Slug).ToListAsync(ct);
            var free = candidates.FirstOrDefault(c => !used.Contains(c) && !pending.Contains(c));
            if (free is not null) return free;
        }
    }
}

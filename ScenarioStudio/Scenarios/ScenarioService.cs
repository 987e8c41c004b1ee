using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

public enum ScenarioSort { Updated, Title, Difficulty, Duration, Status }

public sealed record ScenarioQuery(
    string? Search = null, ScenarioDomain? Domain = null, string? Category = null, Difficulty? Difficulty = null,
    ScenarioStatus? Status = null, Visibility? Visibility = null, string? OwnerId = null,
    ScenarioSort Sort = ScenarioSort.Updated, bool Descending = true, int Page = 0, int PageSize = 25);

public sealed record ScenarioRow(int Id, string Title, string Slug, ScenarioDomain Domain, string Category, Difficulty Difficulty,
    ScenarioStatus Status, Visibility Visibility, bool IsSystem, string OwnerName, int PhaseCount, int EstimatedMinutes, DateTimeOffset UpdatedAt);

/// <summary>A page of results. <see cref="Total"/> stops at <see cref="ScenarioService.CountCap"/>; <see cref="TotalIsCapped"/> says so.</summary>
public sealed record ScenarioPage(IReadOnlyList<ScenarioRow> Rows, int Total, bool TotalIsCapped = false);

/// <summary>What the caller may do with one scenario; the service enforces the same rules.</summary>
public sealed record ScenarioAccess(bool CanEdit, bool CanDelete, bool CanDuplicate, bool CanSubmit, bool CanPublish, bool CanArchive, bool CanReturnToDraft,
    bool CanSeeAnalytics = false);

public sealed record ScenarioDetails(int Id, ScenarioDocument Document, ScenarioStatus Status, Visibility Visibility, bool IsSystem,
    string OwnerName, int Revision, DateTimeOffset UpdatedAt, ScenarioAccess Access);

/// <summary>Thrown when a save is based on an older revision than the stored one.</summary>
public sealed class ConcurrencyConflictException() : Exception("Someone else saved this scenario meanwhile. Reload it to see their changes.");

/// <summary>Scenarios: the PRODUCT.md §5 role table, ownership, visibility, validation, lifecycle and search.</summary>
public sealed class ScenarioService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock)
{
    public const string LibraryOwner = "ScenarioStudio library";
    /// <summary>Counting every match of a common word over 100,000 scenarios costs more than the search itself; beyond this, "1,000+".</summary>
    public const int CountCap = 1000;

    public async Task<ScenarioPage> SearchAsync(ScenarioQuery q, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var match = ScenarioSearchIndex.ToMatchQuery(q.Search);
        var query = match is null
            ? db.Scenarios.AsNoTracking()
            // The organisation in the SQL itself (not only in the global filter) lets SQLite walk the
            // (OrganisationId, UpdatedAt) index and stop at the page instead of sorting every match.
            : db.Scenarios.FromSql($"SELECT * FROM Scenarios WHERE OrganisationId = {caller.OrganisationId.ToString().ToUpperInvariant()} AND Id IN (SELECT rowid FROM scenario_fts WHERE scenario_fts MATCH {match})").AsNoTracking();
        query = Readable(query, caller);
        if (q.Domain is { } domain) query = query.Where(s => s.Domain == domain);
        if (!string.IsNullOrWhiteSpace(q.Category)) query = query.Where(s => s.Category == q.Category);
        if (q.Difficulty is { } difficulty) query = query.Where(s => s.Difficulty == difficulty);
        if (q.Status is { } status) query = query.Where(s => s.Status == status);
        if (q.Visibility is { } visibility) query = query.Where(s => s.Visibility == visibility);
        if (!string.IsNullOrWhiteSpace(q.OwnerId)) query = query.Where(s => s.CreatedById == q.OwnerId);

        var total = await query.Take(CountCap + 1).CountAsync(ct);
        query = (q.Sort, q.Descending) switch
        {
            (ScenarioSort.Title, false) => query.OrderBy(s => s.Title),
            (ScenarioSort.Title, true) => query.OrderByDescending(s => s.Title),
            (ScenarioSort.Difficulty, false) => query.OrderBy(s => s.Difficulty).ThenBy(s => s.Title),
            (ScenarioSort.Difficulty, true) => query.OrderByDescending(s => s.Difficulty).ThenBy(s => s.Title),
            (ScenarioSort.Duration, false) => query.OrderBy(s => s.EstimatedMinutes).ThenBy(s => s.Title),
            (ScenarioSort.Duration, true) => query.OrderByDescending(s => s.EstimatedMinutes).ThenBy(s => s.Title),
            (ScenarioSort.Status, false) => query.OrderBy(s => s.Status).ThenBy(s => s.Title),
            (ScenarioSort.Status, true) => query.OrderByDescending(s => s.Status).ThenBy(s => s.Title),
            (_, false) => query.OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id),
            _ => query.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
        };
        var pageSize = Math.Clamp(q.PageSize, 1, 100);
        var rows = await query.Skip(Math.Max(0, q.Page) * pageSize).Take(pageSize)
            .Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
                s.IsSystem ? LibraryOwner : db.Users.Where(u => u.Id == s.CreatedById).Select(u => u.DisplayName).FirstOrDefault() ?? LibraryOwner,
                s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt))
            .ToListAsync(ct);
        return new ScenarioPage(rows, Math.Min(total, CountCap), total > CountCap);
    }

    /// <summary>The seeded library, to start a new scenario from a template.</summary>
    public async Task<IReadOnlyList<ScenarioRow>> ListTemplatesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await Readable(db.Scenarios.AsNoTracking(), caller).Where(s => s.IsSystem).OrderBy(s => s.Domain).ThenBy(s => s.Title)
            .Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
                LibraryOwner, s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt))
            .ToListAsync(ct);
    }

    /// <summary>Categories in use, for the filter and the builder's suggestions.</summary>
    public async Task<IReadOnlyList<string>> ListCategoriesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await Readable(db.Scenarios, caller).Select(s => s.Category).Distinct().OrderBy(c => c).ToListAsync(ct);
    }

    /// <summary>People who own scenarios, for the owner filter.</summary>
    public async Task<IReadOnlyList<Person>> ListOwnersAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var ids = Readable(db.Scenarios, caller).Select(s => s.CreatedById).Distinct();
        return await db.Users.Where(u => ids.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new Person(u.Id, u.DisplayName, u.Email ?? "", u.Role)).ToListAsync(ct);
    }

    public async Task<ScenarioDetails> GetAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await LoadReadableAsync(db, caller, id, ct);
        var owner = s.IsSystem ? LibraryOwner : await db.Users.Where(u => u.Id == s.CreatedById).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? LibraryOwner;
        return new ScenarioDetails(s.Id, s.ToDocument(), s.Status, s.Visibility, s.IsSystem, owner, s.Revision, s.UpdatedAt, AccessFor(caller, s));
    }

    public async Task<int> CreateAsync(ScenarioDocument doc, Visibility visibility = Visibility.Organisation, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ValidateAsync(db, doc, null, forPublish: false, ct);
        var now = clock.GetUtcNow();
        var scenario = new Scenario
        {
            OrganisationId = caller.OrganisationId, CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
            Visibility = CheckVisibility(visibility), Status = ScenarioStatus.Draft,
        };
        scenario.Apply(doc);
        db.Scenarios.Add(scenario);
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpsertAsync(db, scenario, ct);
        await tx.CommitAsync(ct);
        return scenario.Id;
    }

    /// <summary>Saves the whole document; refused (and nothing written) when invalid or when <paramref name="revision"/> is stale.</summary>
    public async Task<int> UpdateAsync(int id, ScenarioDocument doc, Visibility visibility, int revision, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var s = await LoadReadableAsync(db, caller, id, ct, tracked: true);
        if (!AccessFor(caller, s).CanEdit) throw new ForbiddenException(EditRefusal(s));
        if (s.Revision != revision) throw new ConcurrencyConflictException();
        // A published scenario stays publishable: it must keep meeting the publishing rules.
        await ValidateAsync(db, doc, id, forPublish: s.Status is ScenarioStatus.Published or ScenarioStatus.InReview, ct);

        db.ScenarioPhases.RemoveRange(s.Phases);
        s.Apply(doc);
        s.Visibility = CheckVisibility(visibility);
        s.UpdatedAt = clock.GetUtcNow();
        s.Revision++;
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpsertAsync(db, s, ct);
        await tx.CommitAsync(ct);
        return s.Revision;
    }

    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.DeleteScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var s = await LoadReadableAsync(db, caller, id, ct, tracked: true);
        db.Scenarios.Remove(s);
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
        var source = await LoadReadableAsync(db, caller, id, ct);
        var doc = source.ToDocument();
        var title = source.IsSystem ? doc.Title : "Copy of " + doc.Title;
        doc.Title = title.Length > 100 ? title[..100].TrimEnd() : title;
        doc.Slug = await UniqueSlugAsync(db.Scenarios, source.Slug, new HashSet<string>(), ct);
        var now = clock.GetUtcNow();
        var copy = new Scenario
        {
            OrganisationId = caller.OrganisationId, CreatedById = caller.UserId, CreatedAt = now, UpdatedAt = now,
            Visibility = Visibility.Private, Status = ScenarioStatus.Draft,
        };
        copy.Apply(doc);
        db.Scenarios.Add(copy);
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpsertAsync(db, copy, ct);
        await tx.CommitAsync(ct);
        return copy.Id;
    }

    public Task SubmitForReviewAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanSubmit, ScenarioStatus.InReview, "Only Admins and Content managers submit drafts for review.", ct);

    public Task PublishAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanPublish, ScenarioStatus.Published, "Only Admins and Reviewers publish, and only scenarios in review.", ct);

    public Task ArchiveAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanArchive, ScenarioStatus.Archived, "Only Admins and Reviewers archive scenarios.", ct);

    /// <summary>Back to draft: a Reviewer's "request changes", or reopening an archived or published scenario.</summary>
    public Task ReturnToDraftAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanReturnToDraft, ScenarioStatus.Draft, "Your role may not move this scenario back to draft.", ct);

    private async Task TransitionAsync(int id, Func<ScenarioAccess, bool> allowed, ScenarioStatus to, string refusal, CancellationToken ct)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await LoadReadableAsync(db, caller, id, ct, tracked: true);
        if (!allowed(AccessFor(caller, s))) throw new ForbiddenException(refusal);
        if (to is ScenarioStatus.InReview or ScenarioStatus.Published)
        {
            ScenarioValidator.Validate(s.ToDocument(), forPublish: true).ThrowIfAny();
            if (s.Phases.Count == 0) throw new ValidationFailedException("Phases", "Add phases before publishing.");
        }
        s.Status = to;
        if (to == ScenarioStatus.Published) s.PublishedAt = clock.GetUtcNow();
        s.UpdatedAt = clock.GetUtcNow();
        s.Revision++;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// What a role reads. Learners: published and not private. Staff: everything in the organisation except other
    /// people's private scenarios (Admins see those; Reviewers see them while they are in review).
    /// </summary>
    private static IQueryable<Scenario> Readable(IQueryable<Scenario> query, Caller caller) => caller.Role switch
    {
        OrgRole.Admin => query,
        OrgRole.Learner => query.Where(s => s.Status == ScenarioStatus.Published && s.Visibility != Visibility.Private),
        OrgRole.Reviewer => query.Where(s => s.Visibility != Visibility.Private || s.CreatedById == caller.UserId || s.Status == ScenarioStatus.InReview),
        _ => query.Where(s => s.Visibility != Visibility.Private || s.CreatedById == caller.UserId),
    };

    private static async Task<Scenario> LoadReadableAsync(AppDbContext db, Caller caller, int id, CancellationToken ct, bool tracked = false)
    {
        var query = Readable(db.Scenarios.Include(s => s.Phases), caller).Where(s => s.Id == id);
        if (!tracked) query = query.AsNoTracking();
        return await query.SingleOrDefaultAsync(ct)
            ?? throw new ForbiddenException("This scenario does not exist or is not visible to you.");
    }

    internal static ScenarioAccess AccessFor(Caller caller, Scenario s)
    {
        var admin = caller.Role == OrgRole.Admin;
        var editor = caller.Can(Permission.UpdateScenario) && (!s.IsSystem || admin);
        var publisher = caller.Can(Permission.PublishScenario);
        return new ScenarioAccess(
            CanEdit: editor && s.Status != ScenarioStatus.Archived,
            CanDelete: caller.Can(Permission.DeleteScenario),
            CanDuplicate: caller.Can(Permission.CreateScenario),
            CanSubmit: editor && s.Status == ScenarioStatus.Draft,
            CanPublish: publisher && (s.Status == ScenarioStatus.InReview || (admin && s.Status is ScenarioStatus.Draft or ScenarioStatus.Archived)),
            CanArchive: publisher && (!s.IsSystem || admin) && s.Status != ScenarioStatus.Archived,
            CanReturnToDraft: (editor || (publisher && s.Status == ScenarioStatus.InReview)) && s.Status != ScenarioStatus.Draft,
            CanSeeAnalytics: admin || s.CreatedById == caller.UserId);
    }

    private static string EditRefusal(Scenario s) => s switch
    {
        { IsSystem: true } => "This is a library scenario: only Admins change it. Duplicate it to make your own version.",
        { Status: ScenarioStatus.Archived } => "This scenario is archived. Move it back to draft to edit it.",
        _ => "Your role may not edit scenarios.",
    };

    private static Visibility CheckVisibility(Visibility v) =>
        Enum.IsDefined(v) ? v : throw new ValidationFailedException("Visibility", "Choose a visibility.");

    private static async Task ValidateAsync(AppDbContext db, ScenarioDocument doc, int? id, bool forPublish, CancellationToken ct)
    {
        var errors = ScenarioValidator.Validate(doc, forPublish);
        var slug = doc.Slug.Trim();
        if (slug.Length > 0 && await db.Scenarios.AnyAsync(s => s.Slug == slug && s.Id != id, ct))
            errors.Add("Slug", "Another scenario in your organisation already uses this slug.");
        errors.ThrowIfAny();
    }

    /// <summary>
    /// The first "slug-N" (N from 2) that neither a scenario of <paramref name="scenarios"/> nor <paramref name="pending"/>
    /// (slugs about to be saved) uses. Candidates are looked up twenty at a time through the (OrganisationId, Slug)
    /// index, so the organisation's other slugs are never read.
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

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Scenarios.Personas;

namespace ScenarioStudio.Scenarios.Catalogue;

public sealed record CatalogueQuery(string? Search = null, ScenarioDomain? Domain = null, int Page = 0, int PageSize = ScenarioCatalogue.PageSize);

/// <summary>One scenario another organisation shares, as the catalogue lists it: its live content only, with whose it is.</summary>
public sealed record CatalogueRow(int Id, string Title, string Description, ScenarioDomain Domain, string Category, Difficulty Difficulty,
    int PhaseCount, int EstimatedMinutes, string OrganisationName, DateTimeOffset? PublishedAt);

/// <summary>A page of the catalogue. <see cref="Total"/> stops at <see cref="ScenarioQueries.CountCap"/>; <see cref="TotalIsCapped"/> says so.</summary>
public sealed record CatalogueResults(IReadOnlyList<CatalogueRow> Rows, int Total, bool TotalIsCapped);

/// <summary>One shared scenario to preview: the live version's content, attributed.</summary>
public sealed record CatalogueEntry(int Id, ScenarioDocument Document, string OrganisationName, int? LiveVersion, DateTimeOffset? PublishedAt);

/// <summary>
/// The shared catalogue: the public, published scenarios of every other organisation of the install that is not suspended,
/// to preview and to duplicate into the caller's library as a private draft. Reading another organisation's scenarios is
/// a named exception to tenant scoping (<see cref="TenantDb.OpenAsSystemAsync"/>): every read here goes through
/// <see cref="Shared"/>, so a private, organisation-only, unpublished or library scenario, a pending change beside a
/// published one, or a suspended organisation's scenario is never read, whatever id is asked for.
/// </summary>
public sealed class ScenarioCatalogue(CurrentUser currentUser, TenantDb tenantDb, ScenarioCommands commands, TimeProvider clock, AuditTrail audit)
{
    public const int PageSize = 24;

    /// <summary>One page of the catalogue, newest published first, or by relevance to the search words (as the scenario list ranks).</summary>
    public async Task<CatalogueResults> ListAsync(CatalogueQuery q, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        var pageSize = Math.Clamp(q.PageSize, 1, 100);
        var skip = Math.Max(0, q.Page) * pageSize;
        // Named exception: the catalogue is other organisations' public scenarios, read through Shared only.
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var terms = ScenarioSearchIndex.Terms(q.Search, q.Domain, visibility: Visibility.Public, status: ScenarioStatus.Published);
        if (terms is null)
        {
            var all = Shared(db, caller);
            if (q.Domain is { } domain) all = all.Where(s => s.Domain == domain);
            var count = await all.Take(ScenarioQueries.CountCap + 1).CountAsync(ct);
            var page = all.OrderByDescending(s => s.PublishedAt).ThenByDescending(s => s.Id).Skip(skip).Take(pageSize);
            return Results(await Rows(db, page).ToListAsync(ct), count);
        }

        // As the scenario list: the CountCap + 1 newest matches give the count and are ranked here; the page is looked up by id.
        var dialect = SqlDialect.Of(db.Database);
        // The hit's own columns narrow first; the catalogue's rule itself is Shared's, checked for each remaining hit.
        IQueryable<ScenarioSearchHit> InCatalogue(IQueryable<ScenarioSearchHit> hits) => hits
            .Where(h => h.Visibility == Visibility.Public && h.Status == ScenarioStatus.Published && (q.Domain == null || h.Domain == q.Domain))
            .Where(h => Shared(db, caller).Any(s => s.Id == h.Id));
        var window = await dialect.NewestHitsAsync(db, terms, InCatalogue, h => new { h.Id, h.UpdatedAt, h.Score }, ScenarioQueries.CountCap + 1, ct);
        var ids = window.OrderBy(h => h.Score).ThenByDescending(h => h.UpdatedAt).ThenByDescending(h => h.Id)
            .Skip(skip).Take(pageSize).Select(h => h.Id).ToList();
        var found = await Rows(db, Shared(db, caller).Where(s => ids.Contains(s.Id))).ToDictionaryAsync(r => r.Id, ct);
        return Results(ids.Where(found.ContainsKey).Select(id => found[id]).ToList(), window.Count);
    }

    /// <summary>One shared scenario's live version, to preview; refused like a missing one when it is not in the catalogue.</summary>
    public async Task<CatalogueEntry> GetAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        await using var db = await tenantDb.OpenAsSystemAsync(ct); // named exception: read through Shared only
        var (s, organisation) = await LoadAsync(db, caller, id, ct);
        return new CatalogueEntry(s.Id, s.ToDocument(copy: false), organisation, s.LiveVersion, s.PublishedAt);
    }

    /// <summary>
    /// A private draft copy of a shared scenario in the caller's organisation, owned by the caller, remembering whose
    /// catalogue it came from. The slug is made unique here, the category joins the caller's list when it lacks it, and the
    /// persona's picture is copied into the caller's organisation (pictures are served to their own organisation only).
    /// The shared scenario is only read.
    /// </summary>
    public async Task<int> DuplicateAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CreateScenario, ct);
        Scenario source;
        string organisation;
        PersonaAvatar? picture = null;
        await using (var system = await tenantDb.OpenAsSystemAsync(ct)) // named exception: read through Shared only
        {
            (source, organisation) = await LoadAsync(system, caller, id, ct);
            if (source.Persona.AvatarId is { } avatarId)
                picture = await system.PersonaAvatars.AsNoTracking()
                    .SingleOrDefaultAsync(a => a.Id == avatarId && a.OrganisationId == source.OrganisationId, ct);
        }

        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var doc = source.ToDocument();
        if (await db.Scenarios.AnyAsync(s => s.Slug == doc.Slug, ct))
            doc.Slug = await ScenarioCommands.UniqueSlugAsync(db.Scenarios, doc.Slug, new HashSet<string>(), ct);
        await CategoryService.EnsureAsync(db, caller.OrganisationId, [doc.Category], now, ct);
        await db.SaveChangesAsync(ct);
        // The caller's list may spell the category in another case: the copy takes the list's spelling.
        doc.Category = await db.Categories.Where(c => c.Name == doc.Category.Trim()).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? doc.Category;
        doc.Persona.AvatarId = null;
        if (picture is not null)
        {
            var copy = new PersonaAvatar
            {
                OrganisationId = caller.OrganisationId, Content = picture.Content, ContentType = picture.ContentType, Width = picture.Width,
                Height = picture.Height, CreatedById = caller.UserId, CreatedAt = now,
            };
            db.PersonaAvatars.Add(copy);
            doc.Persona.AvatarId = copy.Id;
        }
        var copyId = await commands.AddDraftAsync(db, caller, doc, Visibility.Private, ct, organisation);
        audit.Record(db, caller, AuditAction.Create, new AuditSubject("Scenario", copyId.ToString(), doc.Title),
            $"Duplicated “{source.Title}” from {organisation}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return copyId;
    }

    /// <summary>
    /// What the catalogue may read: another organisation's published, public scenario (its row holds the live version; a
    /// pending change waits in ScenarioDrafts and is never read here), not one of the seeded library (every organisation
    /// has its own), and not a suspended organisation's. <c>Visibility</c> and <c>Status</c> are compared with constants,
    /// so the catalogue's filtered indexes apply.
    /// </summary>
    private static IQueryable<Scenario> Shared(AppDbContext db, Caller caller) =>
        db.Scenarios.AsNoTracking()
            .Where(s => s.Visibility == Visibility.Public && s.Status == ScenarioStatus.Published && !s.IsSystem
                && s.OrganisationId != caller.OrganisationId
                && db.Organisations.Any(o => o.Id == s.OrganisationId && o.SuspendedAt == null));

    private static async Task<(Scenario Scenario, string Organisation)> LoadAsync(AppDbContext db, Caller caller, int id, CancellationToken ct)
    {
        var found = await Shared(db, caller).Include(s => s.Phases).Where(s => s.Id == id)
            .Select(s => new { Scenario = s, Organisation = db.Organisations.Where(o => o.Id == s.OrganisationId).Select(o => o.Name).First() })
            .SingleOrDefaultAsync(ct) ?? throw new ForbiddenException(ScenarioAccess.NotVisible);
        return (found.Scenario, found.Organisation);
    }

    private static IQueryable<CatalogueRow> Rows(AppDbContext db, IQueryable<Scenario> query) =>
        query.Select(s => new CatalogueRow(s.Id, s.Title, s.Description, s.Domain, s.Category, s.Difficulty, s.Phases.Count, s.EstimatedMinutes,
            db.Organisations.Where(o => o.Id == s.OrganisationId).Select(o => o.Name).First(), s.PublishedAt));

    private static CatalogueResults Results(List<CatalogueRow> rows, int count) =>
        new(rows, Math.Min(count, ScenarioQueries.CountCap), count > ScenarioQueries.CountCap);
}

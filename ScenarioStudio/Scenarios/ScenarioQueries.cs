using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The list's orders. Relevance ranks by the search words (see <see cref="ScenarioSearchIndex"/>); without words it is
/// <see cref="Updated"/>, most recently updated first. Every order ends with the newest first, so equal rows keep one order.
/// </summary>
public enum ScenarioSort { Relevance, Updated, Title, Difficulty, Duration }

public sealed record ScenarioQuery(
    string? Search = null, ScenarioDomain? Domain = null, string? Category = null, Difficulty? Difficulty = null,
    ScenarioStatus? Status = null, Visibility? Visibility = null, string? OwnerId = null,
    ScenarioSort Sort = ScenarioSort.Relevance, int Page = 0, int PageSize = 25);

public sealed record ScenarioRow(int Id, string Title, string Slug, ScenarioDomain Domain, string Category, Difficulty Difficulty,
    ScenarioStatus Status, Visibility Visibility, bool IsSystem, string OwnerName, int PhaseCount, int EstimatedMinutes, DateTimeOffset UpdatedAt);

/// <summary>A page of results. <see cref="Total"/> stops at <see cref="ScenarioQueries.CountCap"/>; <see cref="TotalIsCapped"/> says so.</summary>
public sealed record ScenarioPage(IReadOnlyList<ScenarioRow> Rows, int Total, bool TotalIsCapped = false);

/// <summary>
/// A scenario as the builder opens it. <see cref="Document"/> is the content being edited: the pending change
/// (<see cref="PendingChange"/> set) beside a published scenario, or the scenario itself. Learners get the live version.
/// </summary>
public sealed record ScenarioDetails(int Id, ScenarioDocument Document, ScenarioStatus Status, Visibility Visibility, bool IsSystem,
    string OwnerName, int Revision, DateTimeOffset UpdatedAt, ScenarioActions Actions)
{
    public int? LiveVersion { get; init; }
    public DraftStatus? PendingChange { get; init; }
    /// <summary>The organisation whose shared catalogue this scenario was copied from, or null.</summary>
    public string? SharedFrom { get; init; }
    /// <summary>Whether the content being edited waits for a reviewer (a pending change, or the scenario itself).</summary>
    public bool InReview => PendingChange == DraftStatus.InReview || (PendingChange is null && Status == ScenarioStatus.InReview);

    /// <summary>Why the builder is read only for the caller (when <see cref="ScenarioActions.CanEdit"/> is false).</summary>
    public string ReadOnlyReason => IsSystem ? "Library scenario: duplicate it to make your own version."
        : Status == ScenarioStatus.Archived ? "Archived: move it back to draft to edit." : "Read only for your role.";
}

/// <summary>Reading scenarios: search, the lists behind the filters, and one scenario with what the caller may do with it.</summary>
public sealed class ScenarioQueries(CurrentUser currentUser, TenantDb tenantDb)
{
    public const string LibraryOwner = "ScenarioStudio library";
    /// <summary>Counting every match of a common word over 100,000 scenarios costs more than the search itself; beyond this, "1,000+".</summary>
    public const int CountCap = 1000;

    /// <summary>
    /// One page of the scenarios the caller may read that match the words and filters, in the chosen order, with the
    /// number that match (up to <see cref="CountCap"/>). Relevance ranks the <see cref="CountCap"/> most recently created
    /// matches, which is every match whenever the count is exact: ranking every match costs 1–2 µs a match, 100–200 ms
    /// for a word found in nearly all of 100,000 scenarios, and a search that broad is already asked for another word.
    /// Equal scores go most recently updated first.
    /// </summary>
    public async Task<ScenarioPage> SearchAsync(ScenarioQuery q, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var pageSize = Math.Clamp(q.PageSize, 1, 100);
        var skip = Math.Max(0, q.Page) * pageSize;
        var match = ScenarioSearchIndex.Terms(q.Search, q.Domain, q.Difficulty, q.Visibility, q.Status, caller.OrganisationId);
        if (match is null)
        {
            var all = Filter(db.Scenarios.AsNoTracking().ReadableBy(caller), q);
            var count = await all.Take(CountCap + 1).CountAsync(ct);
            return Page(await Rows(db, Order(all, q.Sort).Skip(skip).Take(pageSize)).ToListAsync(ct), count);
        }

        var dialect = SqlDialect.Of(db.Database);
        IQueryable<ScenarioSearchHit> Readable(IQueryable<ScenarioSearchHit> hits) => Filter(hits.ReadableBy(caller), q);
        if (q.Sort == ScenarioSort.Relevance)
        {
            // One pass over at most CountCap + 1 matches gives the count and the scores; the page is ranked here.
            var window = await dialect.NewestHitsAsync(db, match, Readable, h => new { h.Id, h.UpdatedAt, h.Score }, CountCap + 1, ct);
            var ids = window.OrderBy(h => h.Score).ThenByDescending(h => h.UpdatedAt).ThenByDescending(h => h.Id)
                .Skip(skip).Take(pageSize).Select(h => h.Id).ToList();
            var page = dialect.WithIds(db, ids).AsNoTracking();
            var rows = await Rows(db, page).ToDictionaryAsync(r => r.Id, ct);
            return Page(ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList(), window.Count);
        }

        var total = (await dialect.NewestHitsAsync(db, match, Readable, h => h.Id, CountCap + 1, ct)).Count;
        // Any other order runs over every match.
        var matched = Filter(dialect.Matching(db, match).AsNoTracking().ReadableBy(caller), q);
        return Page(await Rows(db, Order(matched, q.Sort).Skip(skip).Take(pageSize)).ToListAsync(ct), total);
    }

    /// <summary>
    /// The id of every scenario the caller may read that matches the filter (the list's words and filters, not capped at
    /// <see cref="CountCap"/>), for "select all that match" on the list. Refused when more than
    /// <see cref="ScenarioBulk.MaxRows"/> match: one bulk action takes no more.
    /// </summary>
    public async Task<IReadOnlyList<int>> MatchingIdsAsync(ScenarioFilter filter, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var q = filter.ToQuery(0, 1);
        var match = ScenarioSearchIndex.Terms(q.Search, q.Domain, q.Difficulty, q.Visibility, q.Status, caller.OrganisationId);
        var ids = match is null
            ? Filter(db.Scenarios.AsNoTracking().ReadableBy(caller), q).Select(s => s.Id)
            : Filter(ScenarioSearchIndex.Hits(db, match).ReadableBy(caller), q).Select(h => h.Id);
        var found = await ids.Take(ScenarioBulk.MaxRows + 1).ToListAsync(ct);
        if (found.Count > ScenarioBulk.MaxRows)
            throw new ValidationFailedException("Selection",
                $"More than {ScenarioBulk.MaxRows:N0} scenarios match: add a word or a filter to act on fewer at once.");
        return found;
    }

    private static IQueryable<T> Filter<T>(IQueryable<T> query, ScenarioQuery q) where T : IScenarioListing
    {
        if (q.Domain is { } domain) query = query.Where(s => s.Domain == domain);
        if (!string.IsNullOrWhiteSpace(q.Category)) query = query.Where(s => s.Category == q.Category);
        if (q.Difficulty is { } difficulty) query = query.Where(s => s.Difficulty == difficulty);
        if (q.Status is { } status) query = query.Where(s => s.Status == status);
        if (q.Visibility is { } visibility) query = query.Where(s => s.Visibility == visibility);
        if (!string.IsNullOrWhiteSpace(q.OwnerId)) query = query.Where(s => s.CreatedById == q.OwnerId);
        return query;
    }

    private static IQueryable<Scenario> Order(IQueryable<Scenario> query, ScenarioSort sort) => sort switch
    {
        ScenarioSort.Title => query.OrderBy(s => s.Title).ThenByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
        // Difficulty is stored by name, whose alphabetical order (Advanced, Beginner, Intermediate) is not the easiest first.
        ScenarioSort.Difficulty => query.OrderBy(s => s.Difficulty == Difficulty.Beginner ? 0 : s.Difficulty == Difficulty.Intermediate ? 1 : 2)
            .ThenBy(s => s.Title).ThenByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
        ScenarioSort.Duration => query.OrderBy(s => s.EstimatedMinutes).ThenBy(s => s.Title).ThenByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
        _ => query.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id),
    };

    private static IQueryable<ScenarioRow> Rows(AppDbContext db, IQueryable<Scenario> query) =>
        query.Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
            s.IsSystem ? LibraryOwner : db.Users.Where(u => u.Id == s.CreatedById).Select(u => u.DisplayName).FirstOrDefault() ?? LibraryOwner,
            s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt));

    private static ScenarioPage Page(List<ScenarioRow> rows, int count) => new(rows, Math.Min(count, CountCap), count > CountCap);

    /// <summary>The seeded library, to start a new scenario from a template.</summary>
    public async Task<IReadOnlyList<ScenarioRow>> ListTemplatesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Scenarios.AsNoTracking().ReadableBy(caller).Where(s => s.IsSystem).OrderBy(s => s.Domain).ThenBy(s => s.Title)
            .Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
                LibraryOwner, s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt))
            .ToListAsync(ct);
    }

    /// <summary>The organisation's category names in the Admins' order (archived ones too: scenarios may keep them), for filters.</summary>
    public async Task<IReadOnlyList<string>> ListCategoriesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Categories.OrderBy(c => c.Position).ThenBy(c => c.Name).Select(c => c.Name).ToListAsync(ct);
    }

    /// <summary>People who own scenarios, for the owner filter.</summary>
    public async Task<IReadOnlyList<Person>> ListOwnersAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var ids = db.Scenarios.ReadableBy(caller).Select(s => s.CreatedById).Distinct();
        return await db.Users.Where(u => ids.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new Person(u.Id, u.DisplayName, u.Email ?? "", u.Role)).ToListAsync(ct);
    }

    public async Task<ScenarioDetails> GetAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await db.LoadReadableAsync(caller, id, ct);
        var owner = s.IsSystem
            ? LibraryOwner
            : await db.Users.Where(u => u.Id == s.CreatedById).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? LibraryOwner;
        // Learners never see a pending change; staff edit it.
        var draft = caller.Role == OrgRole.Learner ? null : await db.ScenarioDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.ScenarioId == id, ct);
        var selfApproval = await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.AllowSelfApproval).SingleAsync(ct);
        return new ScenarioDetails(s.Id, draft?.Document ?? s.ToDocument(), s.Status, draft?.Visibility ?? s.Visibility, s.IsSystem, owner,
            s.Revision, draft?.UpdatedAt ?? s.UpdatedAt, ScenarioAccess.ActionsFor(caller, s, draft, selfApproval))
        {
            LiveVersion = s.LiveVersion, PendingChange = draft?.Status, SharedFrom = s.SharedFrom,
        };
    }
}

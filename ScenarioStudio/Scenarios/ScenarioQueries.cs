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

/// <summary>A page of results. <see cref="Total"/> stops at <see cref="ScenarioQueries.CountCap"/>; <see cref="TotalIsCapped"/> says so.</summary>
public sealed record ScenarioPage(IReadOnlyList<ScenarioRow> Rows, int Total, bool TotalIsCapped = false);

public sealed record ScenarioDetails(int Id, ScenarioDocument Document, ScenarioStatus Status, Visibility Visibility, bool IsSystem,
    string OwnerName, int Revision, DateTimeOffset UpdatedAt, ScenarioActions Actions)
{
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

    public async Task<ScenarioPage> SearchAsync(ScenarioQuery q, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var match = ScenarioSearchIndex.ToMatchQuery(q.Search);
        var query = match is null
            ? db.Scenarios.AsNoTracking()
            // The organisation comes from the tenant filter, one equality SQLite seeks by (see bench/README.md, search).
            : db.Scenarios.FromSql($"""
                SELECT * FROM Scenarios WHERE Id IN (SELECT rowid FROM scenario_fts WHERE scenario_fts MATCH {match})
                """).AsNoTracking();
        query = query.ReadableBy(caller);
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
        return await db.Scenarios.AsNoTracking().ReadableBy(caller).Where(s => s.IsSystem).OrderBy(s => s.Domain).ThenBy(s => s.Title)
            .Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
                LibraryOwner, s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt))
            .ToListAsync(ct);
    }

    /// <summary>Categories in use, for the filter and the builder's suggestions.</summary>
    public async Task<IReadOnlyList<string>> ListCategoriesAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Scenarios.ReadableBy(caller).Select(s => s.Category).Distinct().OrderBy(c => c).ToListAsync(ct);
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
        return new ScenarioDetails(s.Id, s.ToDocument(), s.Status, s.Visibility, s.IsSystem, owner, s.Revision, s.UpdatedAt,
            ScenarioAccess.ActionsFor(caller, s));
    }
}

using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using ScenarioStudio.Audit;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data.Dialects;

/// <summary>
/// Everything that differs between SQLite and PostgreSQL, in one place: model details (date storage, collations), migration,
/// full-text search, JSON in SQL, case-insensitive matching, locking and busy errors. Services call these and never ask which
/// engine runs. The engine is chosen once, at registration (<c>Database:Provider</c>, <see cref="DataStorageExtensions"/>);
/// a context's dialect follows the provider its options were built with.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Of(DatabaseFacade database) => database.IsNpgsql() ? PostgresDialect.Instance : SqliteDialect.Instance;

    public abstract DatabaseProvider Provider { get; }

    /// <summary>Conventions the engine needs for the app's types (how a DateTimeOffset is stored and compared).</summary>
    public abstract void ConfigureConventions(ModelConfigurationBuilder builder);

    /// <summary>Model details written for SQLite in the entity configurations that read differently on this engine.</summary>
    public virtual void ConfigureModel(ModelBuilder builder) { }

    /// <summary>Applies this engine's migrations (each engine has its own, for its own context type) and prepares the database.</summary>
    public abstract Task MigrateAsync(DbContextOptions<AppDbContext> options, CancellationToken ct = default);

    /// <summary>The collation that compares names whatever their case (category names).</summary>
    public abstract string CaseInsensitiveCollation { get; }

    /// <summary>The rows whose column contains what was typed, whatever its case (pickers and filters by name).</summary>
    public IQueryable<T> WhereContains<T>(IQueryable<T> query, Expression<Func<T, string>> column, string typed)
    {
        var pattern = new LikePattern("%" + typed.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%");
        // The pattern is read from an object, so EF sends it as a parameter (one cached plan for every search).
        var value = Expression.Property(Expression.Constant(pattern), nameof(LikePattern.Value));
        var like = Expression.Call(LikeMethod, Expression.Constant(EF.Functions), column.Body, value, Expression.Constant(@"\"));
        return query.Where(Expression.Lambda<Func<T, bool>>(like, column.Parameters));
    }

    /// <summary><c>(DbFunctions, matchExpression, pattern, escapeCharacter)</c>: a LIKE that ignores case on this engine.</summary>
    protected abstract System.Reflection.MethodInfo LikeMethod { get; }

    private sealed record LikePattern(string Value);

    /// <summary>
    /// A transaction in which counting and then adding rows is never interleaved with another such transaction for the same
    /// key, on any node (AI call limits).
    /// </summary>
    public abstract Task<IDbContextTransaction> BeginCountingAsync(AppDbContext db, string key, CancellationToken ct);

    /// <summary>
    /// Inside a transaction: no other transaction holding the same key runs past this point until this one ends (first
    /// sign-up, invitation acceptance). SQLite needs nothing: its single writer already refuses a racer's write as busy.
    /// </summary>
    public abstract Task LockAsync(AppDbContext db, string key, CancellationToken ct);

    /// <summary>True when the engine refused a write because another writer holds the lock for too long, or a racer won.</summary>
    public abstract bool IsBusy(Exception ex);

    /// <summary>
    /// Runs <paramref name="delete"/> (a DELETE on the audit log) with the log's append-only guard lifted, inside the caller's
    /// transaction, so no other connection ever sees the log unguarded. Its one use is erasing a whole organisation
    /// (<see cref="OrganisationData.DeleteAsync"/>).
    /// </summary>
    public abstract Task<int> DeleteAuditEntriesAsync(AppDbContext db, Func<Task<int>> delete, CancellationToken ct);

    protected static void RequireTransaction(AppDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("The audit log's guard is lifted only inside a transaction.");
    }

    // Full-text search over scenarios (ScenarioSearchIndex), kept in the scenario's own transaction.

    public abstract Task IndexScenarioAsync(AppDbContext db, ScenarioSearchText text, CancellationToken ct);

    public abstract Task UnindexAsync(AppDbContext db, IReadOnlyCollection<int> scenarioIds, CancellationToken ct);

    public abstract Task UpdateFacetsAsync(AppDbContext db, int scenarioId, string facets, CancellationToken ct);

    /// <summary>Every match, each with a score where lower ranks higher (in no particular order: see <see cref="NewestHitsAsync"/>).</summary>
    public abstract IQueryable<ScenarioSearchHit> Hits(AppDbContext db, SearchTerms terms);

    /// <summary>
    /// The <paramref name="limit"/> newest (highest id) matches that pass <paramref name="filter"/>, newest first, shaped by
    /// <paramref name="select"/>: the relevance window and the capped count of a search. SQLite's FTS5 reads its matches in
    /// rowid order already (<see cref="Hits"/>), so the first N it passes are the N newest and it stops there.
    /// </summary>
    public virtual Task<List<T>> NewestHitsAsync<T>(AppDbContext db, SearchTerms terms, Func<IQueryable<ScenarioSearchHit>, IQueryable<ScenarioSearchHit>> filter,
        Expression<Func<ScenarioSearchHit, T>> select, int limit, CancellationToken ct) =>
        filter(Hits(db, terms)).Take(limit).Select(select).ToListAsync(ct);

    /// <summary>The scenarios that match, for orders other than relevance.</summary>
    public abstract IQueryable<Scenario> Matching(AppDbContext db, SearchTerms terms);

    /// <summary>The scenarios with these ids (a ranked page).</summary>
    public abstract IQueryable<Scenario> WithIds(AppDbContext db, IReadOnlyCollection<int> ids);

    // JSON inside rows, read in SQL.

    /// <summary>Every (organisation, category) used by a scenario or a pending draft and missing from the organisation's list.</summary>
    public abstract IQueryable<UsedCategory> MissingCategories(AppDbContext db);

    /// <summary>The category of each of the organisation's pending drafts.</summary>
    public abstract IQueryable<string> DraftCategories(AppDbContext db, Guid organisationId);

    /// <summary>The pending drafts whose document has the category, whatever its case (the tenant filter applies on top).</summary>
    public abstract IQueryable<ScenarioDraft> DraftsInCategory(AppDbContext db, string name);

    /// <summary>Per version and phase, how many of the scenario's sessions missed the phase's objective (Outcomes holds one per phase).</summary>
    public abstract IQueryable<PhaseMissCount> MissedByPhase(AppDbContext db, Guid organisationId, int scenarioId, int? version, string missed);

    /// <summary>The audit table, read through the named index where the engine's planner needs telling.</summary>
    public abstract IQueryable<AuditEntry> AuditEntriesThrough(AppDbContext db, string index);
}

/// <summary>A scenario's searchable text, as the index takes it.</summary>
public sealed record ScenarioSearchText(int Id, string Title, string Description, string Tags, string Phases, string Facets);

/// <summary>A category a scenario or draft uses that its organisation's list lacks.</summary>
public sealed record UsedCategory(Guid OrganisationId, string Name);

/// <summary>How many sessions of one version missed one phase's objective.</summary>
public sealed class PhaseMissCount
{
    public int? Version { get; init; }
    public int Phase { get; init; }
    public int Count { get; init; }
}

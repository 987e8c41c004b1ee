using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ScenarioStudio.Audit;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data.Dialects;

/// <summary>SQLite: FTS5 search, json_each/json_extract, NOCASE, planner hints where SQLite lacks statistics.</summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect() { }

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot compare DateTimeOffset natively; the binary form sorts correctly for UTC values.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    public override async Task MigrateAsync(DbContextOptions<AppDbContext> options, CancellationToken ct = default)
    {
        // The SQLite migrations (Data/Migrations) belong to AppDbContext itself.
        await using var db = new AppDbContext(options);
        await db.Database.MigrateAsync(ct);
        // Write-ahead logging: readers never block the writer.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    public override string CaseInsensitiveCollation => "NOCASE";

    // SQLite's LIKE ignores the case of ASCII letters.
    protected override System.Reflection.MethodInfo LikeMethod { get; } = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    // BEGIN IMMEDIATE: the database's write lock is taken before the first count, so racers queue behind it.
    public override async Task<IDbContextTransaction> BeginCountingAsync(AppDbContext db, string key, CancellationToken ct) =>
        await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);

    public override Task LockAsync(AppDbContext db, string key, CancellationToken ct) => Task.CompletedTask;

    public override bool IsBusy(Exception ex) =>
        (ex as SqliteException ?? ex.InnerException as SqliteException) is { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED };

    public override async Task IndexScenarioAsync(AppDbContext db, ScenarioSearchText t, CancellationToken ct)
    {
        await UnindexAsync(db, [t.Id], ct);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO scenario_fts(rowid, title, description, tags, phases, facets) VALUES ({t.Id}, {t.Title}, {t.Description}, {t.Tags}, {
                t.Phases}, {t.Facets})", ct);
    }

    /// <summary>SQLite triggers cannot be switched off: the delete guard is dropped and created again from its own text (DDL is transactional).</summary>
    public override async Task<int> DeleteAuditEntriesAsync(AppDbContext db, Func<Task<int>> delete, CancellationToken ct)
    {
        RequireTransaction(db);
        var guard = await db.Database.SqlQuery<string>(
            $"SELECT sql AS Value FROM sqlite_master WHERE type = 'trigger' AND name = {AuditTrail.NoDeleteTrigger}").SingleAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"DROP TRIGGER \"{AuditTrail.NoDeleteTrigger}\"", ct);
        var deleted = await delete();
        await db.Database.ExecuteSqlRawAsync(guard, ct);
        return deleted;
    }

    public override Task UnindexAsync(AppDbContext db, IReadOnlyCollection<int> scenarioIds, CancellationToken ct) => scenarioIds.Count == 1
        ? db.Database.ExecuteSqlAsync($"DELETE FROM scenario_fts WHERE rowid = {scenarioIds.First()}", ct)
        : db.Database.ExecuteSqlAsync($"DELETE FROM scenario_fts WHERE rowid IN (SELECT value FROM json_each({JsonSerializer.Serialize(scenarioIds)}))", ct);

    public override Task UpdateFacetsAsync(AppDbContext db, int scenarioId, string facets, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE scenario_fts SET facets = {facets} WHERE rowid = {scenarioId}", ct);

    /// <summary>
    /// The index drives: SQLite reads the matches in id order and looks each one up in IX_Scenarios_Search, a narrow
    /// copy of the columns the access rules and filters read, so a caller's <c>Take(n)</c> stops after n visible matches
    /// and never touches the wide rows. bm25 is computed only for the rows that pass the caller's filters.
    /// </summary>
    public override IQueryable<ScenarioSearchHit> Hits(AppDbContext db, SearchTerms terms) =>
        db.Set<ScenarioSearchHit>().FromSqlRaw($$"""
            SELECT s.Id, s.OrganisationId, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.CreatedById, s.UpdatedAt,
                {{ScenarioSearchIndex.Rank}} AS Score
            FROM scenario_fts CROSS JOIN Scenarios AS s INDEXED BY {{ScenarioSearchIndex.HitIndex}} ON s.Id = scenario_fts.rowid
            WHERE scenario_fts MATCH {0}
            ORDER BY scenario_fts.rowid DESC
            """, terms.ToFts5()).AsNoTracking();

    // SQLite walks the order's index and keeps the ids the index matched.
    public override IQueryable<Scenario> Matching(AppDbContext db, SearchTerms terms) => db.Scenarios.FromSql($"""
        SELECT * FROM Scenarios WHERE Id IN (SELECT rowid FROM scenario_fts WHERE scenario_fts MATCH {terms.ToFts5()})
        """);

    // NOT INDEXED: without statistics SQLite would rather walk the organisation's index than look up 25 ids (20 ms).
    public override IQueryable<Scenario> WithIds(AppDbContext db, IReadOnlyCollection<int> ids) => db.Scenarios.FromSql($"""
        SELECT * FROM Scenarios NOT INDEXED WHERE Id IN (SELECT value FROM json_each({JsonSerializer.Serialize(ids)}))
        """);

    public override IQueryable<UsedCategory> MissingCategories(AppDbContext db) => db.Database.SqlQuery<UsedCategory>($"""
        SELECT u.OrganisationId, u.Name FROM (
            SELECT OrganisationId, Category AS Name FROM Scenarios
            UNION SELECT OrganisationId, json_extract(Document, '$.category') FROM ScenarioDrafts) AS u
        WHERE u.Name IS NOT NULL AND trim(u.Name) <> ''
          AND NOT EXISTS (SELECT 1 FROM Categories AS c WHERE c.OrganisationId = u.OrganisationId AND c.Name = trim(u.Name))
        """);

    public override IQueryable<string> DraftCategories(AppDbContext db, Guid organisationId) => db.Database.SqlQuery<string>(
        $"SELECT json_extract(Document, '$.category') AS Value FROM ScenarioDrafts WHERE OrganisationId = {organisationId}");

    public override IQueryable<ScenarioDraft> DraftsInCategory(AppDbContext db, string name) =>
        db.ScenarioDrafts.FromSql($"SELECT * FROM ScenarioDrafts WHERE trim(json_extract(Document, '$.category')) = {name} COLLATE NOCASE");

    /// <summary>
    /// json_each turns each session's small outcomes array into rows and GROUP BY counts them: one row per version and phase
    /// comes back however many sessions there are, and the arrays are read from IX_PracticeSessions_Analytics, not the rows.
    /// </summary>
    public override IQueryable<PhaseMissCount> MissedByPhase(AppDbContext db, Guid organisationId, int scenarioId, int? version, string missed) =>
        db.Database.SqlQuery<PhaseMissCount>($"""
            SELECT s."ScenarioVersion" AS "Version", CAST(o."key" AS INTEGER) AS "Phase", COUNT(*) AS "Count"
            FROM "PracticeSessions" AS s, json_each(s."Outcomes") AS o
            WHERE s."OrganisationId" = {organisationId} AND s."ScenarioId" = {scenarioId} AND o."value" = {missed} AND NOT s."IsTryOut"
              AND ({version} IS NULL OR s."ScenarioVersion" = {version})
            GROUP BY s."ScenarioVersion", o."key"
            """);

    /// <summary>
    /// Without statistics SQLite's planner may prefer an index with fewer equal columns (seen: a subject and an action read
    /// through the action's index, a scan of every entry of that action to find one scenario's), so the index is named.
    /// </summary>
    public override IQueryable<AuditEntry> AuditEntriesThrough(AppDbContext db, string index)
    {
        // The name is one of our constants (AuditIndexes), never input.
#pragma warning disable EF1002
        return db.AuditEntries.FromSqlRaw($"SELECT * FROM \"AuditEntries\" INDEXED BY \"{index}\"");
#pragma warning restore EF1002
    }
}

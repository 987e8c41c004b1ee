using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using ScenarioStudio.Audit;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Data.Dialects;

/// <summary>
/// PostgreSQL: full-text search in a tsvector column with a GIN index (table "ScenarioSearch", created by the PostgreSQL
/// migration), jsonb functions over the JSON text columns, an ICU collation that ignores case, advisory locks where SQLite's
/// single writer serialised the work.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    private PostgresDialect() { }

    /// <summary>The text search configuration of the index: PostgreSQL's <c>simple</c> (no stemming, as FTS5's unicode61) after <c>unaccent</c>.</summary>
    public const string SearchConfiguration = "scenariostudio";

    /// <summary>An ICU collation that compares at the second strength: "Sales" and "sales" are equal, as SQLite's NOCASE has them.</summary>
    public const string CaseInsensitive = "case_insensitive";

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;

    public override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // timestamptz compares natively; Npgsql writes only UTC values to it, so every value is stored as its UTC instant.
        builder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    public override void ConfigureModel(ModelBuilder builder)
    {
        builder.HasPostgresExtension("unaccent");
        builder.HasCollation(CaseInsensitive, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        builder.Entity<Category>().Property(c => c.Name).UseCollation(CaseInsensitive);
        // A boolean is a boolean here, not the integer 1.
        builder.Entity<PracticeSession>().HasIndex(s => s.StartedAt).HasFilter("\"IsTryOut\"");
    }

    public override async Task MigrateAsync(DbContextOptions<AppDbContext> options, CancellationToken ct = default)
    {
        // The PostgreSQL migrations (Data/Migrations.Postgres) belong to PostgresAppDbContext, which has the same model.
        await using var db = new PostgresAppDbContext(options);
        await CreateDatabaseIfMissingAsync(db.Database.GetConnectionString(), ct);
        // Likewise EF reads its history table before creating it, and logs the missing table as a failed command.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// EF creates a missing database too, but only after it has logged the failed connection to it as an error: on a first
    /// start the database is created here, quietly. Where the maintenance database cannot be reached (a restricted account),
    /// EF's own check decides.
    /// </summary>
    private static async Task CreateDatabaseIfMissingAsync(string? connectionString, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database)) return;
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(ct);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = target.Database } },
            };
            if (await exists.ExecuteScalarAsync(ct) is not null) return;
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.InsufficientPrivilege
            or PostgresErrorCodes.DuplicateDatabase)
        {
            // No maintenance database, no right to create one, or another node created it first: EF's migration decides.
        }
    }

    public override string CaseInsensitiveCollation => CaseInsensitive;

    protected override System.Reflection.MethodInfo LikeMethod { get; } = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    /// <summary>
    /// Read committed, then a transaction-scoped advisory lock on the key: a racer waits for the lock and its counts, each
    /// statement with a fresh snapshot, see what the first one added. (Serializable would refuse one of the racers instead.)
    /// </summary>
    public override async Task<IDbContextTransaction> BeginCountingAsync(AppDbContext db, string key, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await LockAsync(db, key, ct);
        return tx;
    }

    public override Task LockAsync(AppDbContext db, string key, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);

    public override bool IsBusy(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable };

    /// <summary>
    /// The weights mirror FTS5's bm25 column weights (title 10, tags 4, description 2, phases 1): ts_rank_cd takes them
    /// as {D, C, B, A} = {phases, description, tags, title}.
    /// </summary>
    public override Task IndexScenarioAsync(AppDbContext db, ScenarioSearchText t, CancellationToken ct) => IndexScenariosAsync(db, [t], ct);

    /// <summary>
    /// Many scenarios' rows in one statement (a copy from SQLite rebuilds the index with it). The filter columns are read
    /// from the scenario's saved row; a trigger on "Scenarios" keeps them (migration SearchFilters).
    /// </summary>
    public Task IndexScenariosAsync(AppDbContext db, IReadOnlyList<ScenarioSearchText> texts, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO "ScenarioSearch" ("ScenarioId", "Document", "OrganisationId", "Status", "Domain", "Difficulty", "Visibility")
        SELECT t.id, setweight(to_tsvector('scenariostudio', t.title), 'A') || setweight(to_tsvector('scenariostudio', t.tags), 'B') ||
            setweight(to_tsvector('scenariostudio', t.description), 'C') || setweight(to_tsvector('scenariostudio', t.phases), 'D'),
            s."OrganisationId", s."Status", s."Domain", s."Difficulty", s."Visibility"
        FROM unnest({texts.Select(t => t.Id).ToArray()}, {texts.Select(t => t.Title).ToArray()}, {texts.Select(t => t.Tags).ToArray()},
            {texts.Select(t => t.Description).ToArray()}, {texts.Select(t => t.Phases).ToArray()}) AS t(id, title, tags, description, phases)
        JOIN "Scenarios" AS s ON s."Id" = t.id
        ON CONFLICT ("ScenarioId") DO UPDATE SET "Document" = excluded."Document", "OrganisationId" = excluded."OrganisationId",
            "Status" = excluded."Status", "Domain" = excluded."Domain",
            "Difficulty" = excluded."Difficulty", "Visibility" = excluded."Visibility"
        """, ct);

    public override async Task<int> DeleteAuditEntriesAsync(AppDbContext db, Func<Task<int>> delete, CancellationToken ct)
    {
        RequireTransaction(db);
        await db.Database.ExecuteSqlRawAsync($"ALTER TABLE \"AuditEntries\" DISABLE TRIGGER \"{AuditTrail.NoDeleteTrigger}\"", ct);
        var deleted = await delete();
        await db.Database.ExecuteSqlRawAsync($"ALTER TABLE \"AuditEntries\" ENABLE TRIGGER \"{AuditTrail.NoDeleteTrigger}\"", ct);
        return deleted;
    }

    public override Task UnindexAsync(AppDbContext db, IReadOnlyCollection<int> scenarioIds, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""DELETE FROM "ScenarioSearch" WHERE "ScenarioId" = ANY({scenarioIds.ToArray()})""", ct);

    // The index's filter columns follow the scenario's own through a trigger (migration SearchFilters).
    public override Task UpdateFacetsAsync(AppDbContext db, int scenarioId, string facets, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Every match, from <c>"ScenarioSearchMatches"</c> (the GIN index, always: see its migrations, SearchMatchesFunction
    /// and SearchFilters), narrowed on the index rows by the terms' organisation, status, domain, difficulty and visibility.
    /// </summary>
    public override IQueryable<ScenarioSearchHit> Hits(AppDbContext db, SearchTerms terms) =>
        HitsOf(db, terms, """ "ScenarioSearchMatches"(q.query, FILTERS) AS x""", null);

    /// <summary>
    /// The matches that <paramref name="source"/> (a function call or a list of ids, with <c>FILTERS</c> for the terms'
    /// filters, <c>{6}</c> for <paramref name="extra"/>, named x) gives, each with its scenario's columns. The score is
    /// ts_rank_cd, negated so that lower ranks higher as with bm25, normalised by the document's length (flag 1) as bm25
    /// is; it is a subquery in the select list, so once the caller has ordered and limited the hits PostgreSQL computes it
    /// only for the rows kept (reading and ranking a tsvector costs 4–50 µs, which every match of a common word would
    /// otherwise pay).
    /// </summary>
    private static IQueryable<ScenarioSearchHit> HitsOf(AppDbContext db, SearchTerms terms, string source, object? extra) =>
        db.Set<ScenarioSearchHit>().FromSql(Sql(terms, HitsSql.Replace("SOURCE", source, StringComparison.Ordinal), extra)).AsNoTracking();

    private static FormattableString Sql(SearchTerms terms, string sql, object? extra) => FormattableStringFactory.Create(
        sql.Replace("FILTERS", "CAST({1} AS uuid), CAST({2} AS text), CAST({3} AS text), CAST({4} AS text), CAST({5} AS text)", StringComparison.Ordinal),
        terms.ToTsQuery(), terms.OrganisationId, Text(terms.Status), Text(terms.Domain), Text(terms.Difficulty), Text(terms.Visibility), extra);

    private static string? Text(Enum? value) => value?.ToString();

    private const string HitsSql = """
        SELECT s."Id", s."OrganisationId", s."Domain", s."Category", s."Difficulty", s."Status", s."Visibility", s."CreatedById", s."UpdatedAt",
            (SELECT -CAST(ts_rank_cd(ARRAY[0.1, 0.2, 0.4, 1.0]::real[], r."Document", q.query, 1) AS double precision)
             FROM "ScenarioSearch" AS r WHERE r."ScenarioId" = s."Id") AS "Score"
        FROM to_tsquery('scenariostudio', {0}) AS q(query)
        CROSS JOIN LATERAL SOURCE
        JOIN "Scenarios" AS s ON s."Id" = x."ScenarioId"
        """;

    /// <summary>
    /// The newest N matches that pass the filters. First the newest 1.25 N ids, read in order with each document checked
    /// (<c>"ScenarioSearchNewest"</c>, about 4 µs an id): a word in most scenarios is done there, and one in a third of
    /// them in a second, wider look of the same kind. Otherwise the ids of the GIN index's newest N matches
    /// (<c>"ScenarioSearchMatches"</c>, which visits every match's row but reads no document: 7–30 ms for a word in a
    /// quarter to a half of 100,000 scenarios), then those scenarios; eight times as many ids while the caller's own
    /// filters (category, owner, the access rules) leave fewer than N and the index holds more.
    /// </summary>
    public override async Task<List<T>> NewestHitsAsync<T>(AppDbContext db, SearchTerms terms,
        Func<IQueryable<ScenarioSearchHit>, IQueryable<ScenarioSearchHit>> filter, Expression<Func<ScenarioSearchHit, T>> select, int limit,
        CancellationToken ct)
    {
        limit = Math.Max(limit, 1);
        var newest = await db.Scenarios.MaxAsync(s => (int?)s.Id, ct) ?? 0;
        // The newest ids in order: 1.25 N of them, and once more as many as that look says N matches need if that is no
        // more than 4 N ids (a word in at least a third of the scenarios).
        for (long span = limit * 5L / 4; span <= limit * 4L && newest - span > 1; )
        {
            var hits = await filter(HitsOf(db, terms, """ "ScenarioSearchNewest"(q.query, CAST({6} AS integer), FILTERS) AS x""",
                (int)(newest - span))).OrderByDescending(h => h.Id).Take(limit).Select(select).ToListAsync(ct);
            if (hits.Count >= limit) return hits;
            if (hits.Count == 0 || span > limit * 5L / 4) break;
            span = (long)(span * 1.25 * limit / hits.Count);
        }
        for (var count = limit; ; count = (int)Math.Min(count * 8L, int.MaxValue))
        {
            var ids = await db.Database.SqlQuery<int>(Sql(terms, """
                SELECT "ScenarioId" AS "Value" FROM "ScenarioSearchMatches"(to_tsquery('scenariostudio', {0}), FILTERS, CAST({6} AS integer))
                """, count)).ToListAsync(ct);
            var hits = await filter(HitsOf(db, terms, """unnest(CAST({6} AS integer[])) AS x("ScenarioId")""", ids.ToArray()))
                .OrderByDescending(h => h.Id).Take(limit).Select(select).ToListAsync(ct);
            if (hits.Count >= limit || ids.Count < count) return hits;
        }
    }

    public override IQueryable<Scenario> Matching(AppDbContext db, SearchTerms terms) => db.Scenarios.FromSql($"""
        SELECT * FROM "Scenarios" WHERE "Id" IN (SELECT "ScenarioId" FROM "ScenarioSearchMatches"(to_tsquery('scenariostudio', {terms.ToTsQuery()})))
        """);

    public override IQueryable<Scenario> WithIds(AppDbContext db, IReadOnlyCollection<int> ids) => db.Scenarios.Where(s => ids.Contains(s.Id));

    // "Categories"."Name" has the case-insensitive collation, which the comparison takes.
    public override IQueryable<UsedCategory> MissingCategories(AppDbContext db) => db.Database.SqlQuery<UsedCategory>($"""
        SELECT u."OrganisationId", u."Name" FROM (
            SELECT "OrganisationId", "Category" AS "Name" FROM "Scenarios"
            UNION SELECT "OrganisationId", "Document"::jsonb ->> 'category' FROM "ScenarioDrafts") AS u
        WHERE u."Name" IS NOT NULL AND trim(u."Name") <> ''
          AND NOT EXISTS (SELECT 1 FROM "Categories" AS c WHERE c."OrganisationId" = u."OrganisationId" AND c."Name" = trim(u."Name"))
        """);

    public override IQueryable<string> DraftCategories(AppDbContext db, Guid organisationId) => db.Database.SqlQuery<string>(
        $"""SELECT "Document"::jsonb ->> 'category' AS "Value" FROM "ScenarioDrafts" WHERE "OrganisationId" = {organisationId}""");

    public override IQueryable<ScenarioDraft> DraftsInCategory(AppDbContext db, string name) => db.ScenarioDrafts.FromSql($"""
        SELECT * FROM "ScenarioDrafts" WHERE trim("Document"::jsonb ->> 'category') = {name} COLLATE "case_insensitive"
        """);

    public override IQueryable<PhaseMissCount> MissedByPhase(AppDbContext db, Guid organisationId, int scenarioId, int? version, string missed) =>
        db.Database.SqlQuery<PhaseMissCount>($"""
            SELECT s."ScenarioVersion" AS "Version", CAST(o.n - 1 AS integer) AS "Phase", CAST(COUNT(*) AS integer) AS "Count"
            FROM "PracticeSessions" AS s CROSS JOIN LATERAL jsonb_array_elements_text(s."Outcomes"::jsonb) WITH ORDINALITY AS o(value, n)
            WHERE s."OrganisationId" = {organisationId} AND s."ScenarioId" = {scenarioId} AND o.value = {missed} AND NOT s."IsTryOut"
              AND (CAST({version} AS integer) IS NULL OR s."ScenarioVersion" = {version})
            GROUP BY s."ScenarioVersion", o.n
            """);

    // PostgreSQL keeps statistics and picks the index itself.
    public override IQueryable<AuditEntry> AuditEntriesThrough(AppDbContext db, string index) => db.AuditEntries;

    private sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}

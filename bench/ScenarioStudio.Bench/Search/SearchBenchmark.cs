using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// <c>search [--scenarios N] [--breakdown] [--keep] [--fts-only] [--provider postgres]</c>: N scenarios (4 phases each) in one
/// organisation, then 200 searches through ScenarioQueries.SearchAsync (FTS5, or PostgreSQL's tsvector index after the
/// data is moved with copy-to-postgresql) and the same 200 through a LIKE scan (<see cref="LikeSearch"/>).
/// Prints <c>search scenarios=N p50_ms=… p95_ms=… like_p95_ms=…</c> (and <c>provider=postgres</c>).
/// </summary>
public static class SearchBenchmark
{
    public const int QueryCount = 200, DataSeed = 20261123, QuerySeed = 4242, WarmUpSeed = 77;
    public const double TargetP95Ms = 30;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var scenarios = args.GetInt("scenarios", 100_000, min: 1, max: 5_000_000);
        var breakdown = args.HasFlag("breakdown");
        var keep = args.HasFlag("keep");
        // While tuning a query: skip the LIKE baseline (about ten minutes at 100,000 scenarios); the line says so.
        var ftsOnly = args.HasFlag("fts-only");
        var postgres = BenchProvider.IsPostgres(args);
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var authors = new List<string> { admin.Id };
        for (var i = 1; i <= 3; i++) authors.Add((await host.AddMemberAsync(organisationId, OrgRole.ContentManager, $"Author {i}")).Id);

        await ProbeAsync(host, admin);
        var build = Generate(host, organisationId, authors, scenarios);
        Log.Info($"generated {scenarios} scenarios ({scenarios * 4} phases) in {Log.Seconds(build)} s; " +
                 $"database {new FileInfo(host.DatabasePath).Length / 1024.0 / 1024.0:0} MB");

        var queries = SearchQueries.Create(QueryCount, QuerySeed);
        var warmUps = SearchQueries.WarmUps(WarmUpSeed);
        var (moved, server) = postgres ? await BenchProvider.MoveToPostgresAsync(host, keep) : (null, null);
        await using var postgresServer = server; // stopped after the app on it
        await using var onPostgres = moved;
        await using var scope = await (moved ?? host).AsAsync(admin);
        var service = scope.ServiceProvider.GetRequiredService<ScenarioQueries>();

        Log.Info($"FTS: {warmUps.Count} warm-up and {QueryCount} timed searches through ScenarioQueries.SearchAsync");
        var fts = await TimeAsync(queries, warmUps, q => service.SearchAsync(q.ToScenarioQuery()), "FTS");
        Log.Info(ftsOnly ? "LIKE baseline skipped (--fts-only)" : $"LIKE: {warmUps.Count} warm-up and {QueryCount} timed searches (plain scan)");
        var like = ftsOnly
            ? queries.Select(_ => new Timing(0, 0)).ToList()
            : await TimeAsync(queries, warmUps, q => LikeSearch.SearchAsync(scope.ServiceProvider, q.ToScenarioQuery()), "LIKE");

        var p50 = Percentile.Of(fts.Select(r => r.Ms).ToList(), 50);
        var p95 = Percentile.Of(fts.Select(r => r.Ms).ToList(), 95);
        var likeP95 = ftsOnly ? "skipped" : Percentile.Of(like.Select(r => r.Ms).ToList(), 95).ToString("0.0", CultureInfo.InvariantCulture);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search scenarios={scenarios} p50_ms={p50:0.0} p95_ms={p95:0.0} like_p95_ms={likeP95}{BenchProvider.Suffix(postgres)}"));
        Console.Out.Flush();

        Report(queries, fts, like);
        if (!postgres && (breakdown || p95 > TargetP95Ms)) // the breakdown reads SQLite's FTS5 tables
        {
            Log.Info(breakdown ? "breakdown requested" : $"p95 {Log.Ms(p95)} ms is over the {TargetP95Ms} ms target: breaking it down");
            await SearchBreakdown.RunAsync(scope.ServiceProvider, queries, host.ConnectionString);
        }
        else if (postgres && breakdown)
            await SearchBreakdown.RunCommandsAsync(scope.ServiceProvider, queries);
        return 0;
    }

    private sealed record Timing(double Ms, int Total);

    private static async Task<List<Timing>> TimeAsync(IReadOnlyList<BenchQuery> queries, IReadOnlyList<BenchQuery> warmUps,
        Func<BenchQuery, Task<ScenarioPage>> search, string label)
    {
        foreach (var q in warmUps) await search(q);
        var results = new List<Timing>(queries.Count);
        var all = Stopwatch.StartNew();
        foreach (var q in queries)
        {
            var start = Stopwatch.GetTimestamp();
            var page = await search(q);
            results.Add(new Timing(Stopwatch.GetElapsedTime(start).TotalMilliseconds, page.Total));
            if (all.Elapsed > TimeSpan.FromSeconds(30) && results.Count % 20 == 0)
                Log.Info($"{label}: {results.Count}/{queries.Count} searches");
        }
        return results;
    }

    private static void Report(IReadOnlyList<BenchQuery> queries, List<Timing> fts, List<Timing> like)
    {
        Log.Info("per kind (FTS p50 / p95 / max ms, mean hits; LIKE p50 ms, mean hits):");
        foreach (var kind in queries.Select((q, i) => (q.Kind, i)).GroupBy(x => x.Kind))
        {
            var f = kind.Select(x => fts[x.i]).ToList();
            var l = kind.Select(x => like[x.i]).ToList();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {kind.Key,-12} n={f.Count,3}  fts {Percentile.Of(f.Select(t => t.Ms).ToList(), 50),7:0.0} " +
                $"{Percentile.Of(f.Select(t => t.Ms).ToList(), 95),7:0.0} {f.Max(t => t.Ms),7:0.0}  hits {f.Average(t => t.Total),8:0}" +
                $"   like {Percentile.Of(l.Select(t => t.Ms).ToList(), 50),8:0.0}  hits {l.Average(t => t.Total),8:0}"));
        }
        var slowest = fts.Select((t, i) => (t, q: queries[i])).OrderByDescending(x => x.t.Ms).Take(5);
        Log.Info("slowest FTS searches: " + string.Join("; ", slowest.Select(x => $"{x.q} {Log.Ms(x.t.Ms)} ms ({x.t.Total} hits)")));
    }

    /// <summary>Generates and writes the scenarios in one transaction; returns the elapsed time.</summary>
    private static TimeSpan Generate(BenchHost host, Guid organisationId, IReadOnlyList<string> authors, int count)
    {
        var watch = Stopwatch.StartNew();
        var generator = new ScenarioGenerator(count, DataSeed, authors);
        using var connection = new SqliteConnection(host.ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA cache_size = -262144;"); // 256 MB for this loading connection only
        using (var tx = connection.BeginTransaction())
        using (var writer = new RawScenarioWriter(connection, tx, organisationId))
        {
            var step = Math.Max(1, count / 10);
            for (var i = 0; i < count; i++)
            {
                writer.Write(i + 1, generator.Next(i));
                if ((i + 1) % step == 0) Log.Info($"generated {i + 1}/{count}");
            }
            tx.Commit();
        }
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return watch.Elapsed;
    }

    /// <summary>
    /// Creates one scenario through ScenarioCommands.CreateAsync and the same one through <see cref="RawScenarioWriter"/>,
    /// and requires every stored column (types and values, Id and Slug aside), the phase rows and the FTS row to agree,
    /// and EF to read the raw row back as the same document. Both are then removed.
    /// </summary>
    private static async Task ProbeAsync(BenchHost host, ApplicationUser admin)
    {
        var sample = new ScenarioGenerator(1_000_000, DataSeed + 1, [admin.Id]);
        var generated = Enumerable.Range(0, 50).Select(sample.Next).First(g => g.Document.Domain == ScenarioDomain.Language);
        int serviceId;
        await using (var db = await host.OpenUnfilteredAsync())
            await CategoryService.EnsureAsync(db, admin.OrganisationId, [generated.Document.Category], DateTimeOffset.UtcNow, default);
        await using (var scope = await host.AsAsync(admin))
            serviceId = await scope.ServiceProvider.GetRequiredService<ScenarioCommands>().CreateAsync(generated.Document, generated.Visibility);

        Scenario stored;
        await using (var db = await host.OpenUnfilteredAsync())
            stored = await db.Scenarios.AsNoTracking().Include(s => s.Phases).SingleAsync(s => s.Id == serviceId);
        var rawId = serviceId + 1;
        // The stored document: its phases carry the keys the app gave them, which the twin keeps.
        var twinDoc = stored.ToDocument();
        twinDoc.Slug += "-raw";
        using var connection = new SqliteConnection(host.ConnectionString);
        connection.Open();
        using (var tx = connection.BeginTransaction())
        using (var writer = new RawScenarioWriter(connection, tx, stored.OrganisationId))
        {
            writer.Write(rawId, new GeneratedScenario(twinDoc, stored.Status, stored.Visibility, stored.CreatedById,
                stored.CreatedAt, stored.UpdatedAt, stored.PublishedAt, stored.Revision));
            tx.Commit();
        }

        var differences = new List<string>();
        var serviceRow = Rows(connection, "Scenarios", "Id", serviceId, []).Single();
        var (organisationColumn, updatedColumn) = (serviceRow["OrganisationId"], serviceRow["UpdatedAt"]);
        Compare(connection, "Scenarios", "Id", serviceId, rawId, ["Id", "Slug"], differences);
        Compare(connection, "ScenarioPhases", "ScenarioId", serviceId, rawId, ["Id", "ScenarioId"], differences);
        Compare(connection, "scenario_fts", "rowid", serviceId, rawId, [], differences);
        await using (var scope = await host.AsAsync(admin))
        {
            var service = scope.ServiceProvider.GetRequiredService<ScenarioQueries>();
            var a = (await service.GetAsync(serviceId)).Document;
            var b = (await service.GetAsync(rawId)).Document;
            b.Slug = a.Slug;
            if (ScenarioJson.Serialize(a) != ScenarioJson.Serialize(b)) differences.Add("documents read back through EF differ");
        }
        if (differences.Count > 0)
            throw new InvalidOperationException("The raw writer does not store scenarios as the app does:\n  " + string.Join("\n  ", differences));

        Execute(connection, $"DELETE FROM scenario_fts WHERE rowid IN ({serviceId}, {rawId}); " +
                            $"DELETE FROM ScenarioPhases WHERE ScenarioId IN ({serviceId}, {rawId}); " +
                            $"DELETE FROM Scenarios WHERE Id IN ({serviceId}, {rawId});");
        Log.Info("probe: a raw-written scenario matches one created by ScenarioCommands.CreateAsync column for column " +
                 $"(e.g. OrganisationId {organisationColumn}, UpdatedAt {updatedColumn})");
    }

    private static void Compare(SqliteConnection connection, string table, string key, int a, int b, string[] ignore, List<string> differences)
    {
        var rowsA = Rows(connection, table, key, a, ignore);
        var rowsB = Rows(connection, table, key, b, ignore);
        if (rowsA.Count == 0) differences.Add($"{table}: no row for the service-created scenario");
        if (rowsA.Count != rowsB.Count) differences.Add($"{table}: {rowsA.Count} rows vs {rowsB.Count}");
        for (var i = 0; i < Math.Min(rowsA.Count, rowsB.Count); i++)
            foreach (var (column, value) in rowsA[i])
                if (!rowsB[i].TryGetValue(column, out var other) || other != value)
                    differences.Add($"{table}.{column}: service {value} vs raw {other}");
    }

    /// <summary>Each row as column -> "storage class:value" (typeof, so a Guid stored as BLOB would not pass for TEXT).</summary>
    private static List<Dictionary<string, string>> Rows(SqliteConnection connection, string table, string key, int id, string[] ignore)
    {
        var columns = new List<string>();
        using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var r = info.ExecuteReader();
            while (r.Read()) if (!ignore.Contains(r.GetString(0))) columns.Add(r.GetString(0));
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"typeof(\"{c}\"), \"{c}\""))} FROM \"{table}\" WHERE {key} = $id ORDER BY rowid";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>();
            for (var c = 0; c < columns.Count; c++)
                row[columns[c]] = $"{reader.GetString(2 * c)}:{Convert.ToString(reader.GetValue(2 * c + 1), CultureInfo.InvariantCulture)}";
            rows.Add(row);
        }
        return rows;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

}

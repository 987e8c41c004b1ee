using System.Diagnostics;
using ScenarioStudio.Data;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>
/// <c>--provider sqlite|postgres</c>: the engine the timed work runs on. A benchmark builds its data in SQLite (its raw
/// writers know SQLite's storage, and a probe checks them against the app); on PostgreSQL that database is then moved with
/// the app's own <c>copy-to-postgresql</c> (<see cref="SqliteToPostgres"/>: every row, checksums compared, search index
/// rebuilt, statistics gathered) and the same work is timed there. The figure line gains <c>provider=postgres</c>.
/// </summary>
public static class BenchProvider
{
    public static bool IsPostgres(BenchArgs args) => args.GetString("provider")?.ToLowerInvariant() switch
    {
        null or "sqlite" => false,
        "postgres" or "postgresql" => true,
        var other => throw new BenchUsageException($"--provider {other}: write sqlite (the default) or postgres."),
    };

    /// <summary>What the figure line ends with.</summary>
    public static string Suffix(bool postgres) => postgres ? " provider=postgres" : "";

    /// <summary>Copies the SQLite benchmark database into a new PostgreSQL database and returns the app on it.</summary>
    public static async Task<(BenchHost Host, PostgresProcess Server)> MoveToPostgresAsync(BenchHost sqlite, bool keep)
    {
        var server = await PostgresProcess.StartAsync(keep);
        var target = server.NewDatabase("scenariostudio_bench");
        var watch = Stopwatch.StartNew();
        var report = await new SqliteToPostgres(sqlite.ConnectionString, target, _ => { }).CopyAsync();
        Log.Info($"copied {report.Sum(t => t.SourceRows):N0} rows into PostgreSQL with copy-to-postgresql in {Log.Seconds(watch.Elapsed)} s " +
                 "(every table's count and checksum matched)");
        var host = await BenchHost.CreateAsync(keep, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL", ["ConnectionStrings:PostgreSQL"] = target,
        });
        return (host, server);
    }
}

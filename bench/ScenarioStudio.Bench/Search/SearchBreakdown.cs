using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// Where a search's time goes, measured: each SQL command inside a real SearchAsync call (caller lookup, the window of
/// ranked matches, the page's rows) timed from EF's own diagnostic events, then EF's window SQL run again on a raw
/// connection as sent, without bm25, and beside the bare FTS5 MATCH, to separate matching, ranking and the lookups.
/// Output goes to stderr.
/// </summary>
public static class SearchBreakdown
{
    private sealed record Parts(BenchQuery Query, double Total, double Caller, double Window, double Rows,
        long Matches, double Match, double RawWindow, double Unranked, RecordedCommand? WindowSql, RecordedCommand? RowsSql)
    {
        public double Other => Total - Caller - Window - Rows;
    }

    public static async Task RunAsync(IServiceProvider scoped, IReadOnlyList<BenchQuery> queries, string connectionString)
    {
        var service = scoped.GetRequiredService<ScenarioQueries>();
        using var recorder = CommandRecorder.Start();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var results = new List<Parts>();
        foreach (var q in queries)
        {
            var (total, commands) = await RecordAsync(service, recorder, q);
            // In order: the caller lookup, the window (the only command that reads the index), the page's rows.
            var at = commands.FindIndex(c => c.Sql.Contains("scenario_fts", StringComparison.Ordinal));
            var window = at < 0 ? null : commands[at];
            var rows = commands.Skip(at + 1).FirstOrDefault();
            double Sum(IEnumerable<RecordedCommand> c) => c.Sum(x => x.Ms);

            (string, object?)[] match = [("$match", ScenarioSearchIndex.ToMatchQuery(q.Text)!)];
            const string bare = "SELECT count(*) FROM scenario_fts WHERE scenario_fts MATCH $match";
            results.Add(new Parts(q, total, Sum(commands.Take(Math.Max(at, 0))), window?.Ms ?? double.NaN, rows?.Ms ?? double.NaN,
                Count(connection, bare, match), TimeRaw(connection, bare, match),
                window is null ? double.NaN : TimeRaw(connection, window.Sql, window.Parameters),
                window is null ? double.NaN : TimeRaw(connection, Unranked(window.Sql), window.Parameters),
                window, rows));
        }

        var e = Console.Error;
        e.WriteLine();
        e.WriteLine("Breakdown, mean ms per kind.");
        e.WriteLine("  Inside SearchAsync, from EF's command events: total; caller lookup; window (the matches the caller may read,");
        e.WriteLine("  newest first, at most 1,001, with their bm25 scores); rows (the page's 25 rows with owner and phase count);");
        e.WriteLine("  other = total minus those (context, query pipeline, ranking the window, EF overhead).");
        e.WriteLine("  Raw SQL on the same data (median of 3): hits = matches in the index (all organisations); match = bare FTS5 MATCH");
        e.WriteLine("  count; window = EF's window SQL as sent; unranked = the same with bm25 replaced by 0.");
        e.WriteLine($"    {"kind",-12} {"n",3} | {"total",7} {"caller",7} {"window",7} {"rows",7} {"other",7} | " +
            $"{"hits",7} {"match",7} {"window",7} {"unranked",8}");
        foreach (var group in results.GroupBy(r => r.Query.Kind).Append(results.GroupBy(_ => "ALL").Single()))
        {
            string M(Func<Parts, double> f, int width = 7) => group.Average(f).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(width);
            e.WriteLine($"    {group.Key,-12} {group.Count(),3} | " +
                        $"{M(r => r.Total)} {M(r => r.Caller)} {M(r => r.Window)} {M(r => r.Rows)} {M(r => r.Other)} | " +
                        $"{M(r => r.Matches),7} {M(r => r.Match)} {M(r => r.RawWindow)} {M(r => r.Unranked, 8)}");
        }
        var slowest = results.OrderByDescending(r => r.Total).Take(8).ToList();
        e.WriteLine();
        e.WriteLine("Slowest searches (ms): total / caller / window / rows / other | hits / match / window / unranked");
        foreach (var r in slowest)
            e.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {r.Query}: {r.Total:0.0} / {r.Caller:0.0} / {r.Window:0.0} / {r.Rows:0.0} / {r.Other:0.0} | " +
                $"{r.Matches} / {r.Match:0.0} / {r.RawWindow:0.0} / {r.Unranked:0.0}"));

        // Plans for the search with the most matches, and for the slowest one.
        var widest = results.Where(r => r.Query.Domain is null && r.Query.Status is null).MaxBy(r => r.Matches) ?? results[0];
        foreach (var (what, parts) in new[] { ("most matches", widest), ("slowest", slowest[0]) })
        foreach (var (label, command) in new[] { ("window", parts.WindowSql), ("rows", parts.RowsSql) })
        {
            if (command is null) continue;
            e.WriteLine();
            e.WriteLine($"{label} SQL as EF sends it ({what}: {parts.Query}):");
            e.WriteLine(Indent(command.Sql));
            e.WriteLine("  query plan:");
            e.WriteLine(Indent(QueryPlan(connection, command.Sql, command.Parameters)));
        }
    }

    /// <summary>EF's window SQL with bm25 replaced by a constant: what the window costs without ranking.</summary>
    private static string Unranked(string sql) => sql.Replace(ScenarioSearchIndex.Rank, "0", StringComparison.Ordinal);

    private static long Count(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        using var command = Prepare(connection, sql, parameters);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Median of three runs after one untimed run, reading every row.</summary>
    private static double TimeRaw(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        using var command = Prepare(connection, sql, parameters);
        var times = new double[4];
        for (var i = 0; i < times.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using (var reader = command.ExecuteReader()) while (reader.Read()) { }
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times.Skip(1).Order().ElementAt(1);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            if (sql.Contains(name, StringComparison.Ordinal)) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static string QueryPlan(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        using var command = Prepare(connection, "EXPLAIN QUERY PLAN " + sql, parameters);
        using var reader = command.ExecuteReader();
        var plan = new StringBuilder();
        var depth = new Dictionary<long, int> { [0] = 0 };
        while (reader.Read())
        {
            var (id, parent, detail) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(3));
            depth[id] = depth.GetValueOrDefault(parent) + 1;
            plan.Append(new string(' ', 2 * depth[id])).AppendLine(detail);
        }
        return plan.ToString().TrimEnd();
    }

    /// <summary>
    /// On any engine: each search run again with its SQL commands timed from EF's events; per kind, the mean time of the
    /// whole call, of its commands, how many it sent, and what is left (EF and the app's own work); then the commands of
    /// the five slowest searches.
    /// </summary>
    public static async Task RunCommandsAsync(IServiceProvider scoped, IReadOnlyList<BenchQuery> queries)
    {
        var service = scoped.GetRequiredService<ScenarioQueries>();
        using var recorder = CommandRecorder.Start();
        var results = new List<(BenchQuery Query, double Total, List<RecordedCommand> Commands)>();
        foreach (var q in queries)
        {
            var (total, commands) = await RecordAsync(service, recorder, q);
            results.Add((q, total, commands));
        }
        Log.Info("commands per kind (second run; mean ms of the call / of its SQL commands / commands sent / the rest):");
        foreach (var kind in results.GroupBy(r => r.Query.Kind))
            Log.Info(string.Create(CultureInfo.InvariantCulture, $"    {kind.Key,-12} n={kind.Count(),3}  call {kind.Average(r => r.Total),6:0.0}  " +
                $"sql {kind.Average(r => r.Commands.Sum(c => c.Ms)),6:0.0}  commands {kind.Average(r => r.Commands.Count),4:0.0}  " +
                $"rest {kind.Average(r => r.Total - r.Commands.Sum(c => c.Ms)),5:0.0}"));
        foreach (var (q, total, commands) in results.OrderByDescending(r => r.Total).Take(5))
        {
            Log.Info(string.Create(CultureInfo.InvariantCulture, $"{q.Kind} \"{q.Text}\" {total:0.0} ms:"));
            foreach (var c in commands)
            {
                var sql = string.Join(' ', c.Sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                var parameters = string.Join(", ", c.Parameters.Select(x => $"{x.Name}={x.Value}"));
                Log.Info(string.Create(CultureInfo.InvariantCulture, $"    {c.Ms,6:0.0} ms  {sql[..Math.Min(90, sql.Length)]}  {parameters}"));
            }
        }
    }

    /// <summary>One search through the service: its time and the SQL commands it sent.</summary>
    private static async Task<(double Total, List<RecordedCommand> Commands)> RecordAsync(ScenarioQueries service, CommandRecorder recorder, BenchQuery q)
    {
        recorder.Begin();
        var start = Stopwatch.GetTimestamp();
        await service.SearchAsync(q.ToScenarioQuery());
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, recorder.End());
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}

public sealed record RecordedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters, double Ms);

/// <summary>
/// Times EF's SQL commands from its DiagnosticListener events: from CommandExecuting until the data reader is
/// disposed (every row read and materialised), or until CommandExecuted for non-query commands.
/// </summary>
public sealed class CommandRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> subscriptions = [];
    private readonly Dictionary<Guid, (long Start, string Sql, List<(string, object?)> Parameters)> open = [];
    private readonly List<RecordedCommand> done = [];
    private readonly Lock gate = new();
    private volatile bool active;

    public static CommandRecorder Start()
    {
        var recorder = new CommandRecorder();
        recorder.subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(recorder));
        return recorder;
    }

    public void Begin()
    {
        lock (gate) { open.Clear(); done.Clear(); }
        active = true;
    }

    public List<RecordedCommand> End()
    {
        active = false;
        lock (gate) return [.. done];
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name) return;
        lock (gate) subscriptions.Add(listener.Subscribe(this, (name, _, _) => active && (
            name == RelationalEventId.CommandExecuting.Name || name == RelationalEventId.CommandExecuted.Name ||
            name == RelationalEventId.DataReaderDisposing.Name)));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        var now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            if (e.Key == RelationalEventId.CommandExecuting.Name && e.Value is CommandEventData executing)
            {
                var parameters = executing.Command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
                open[executing.CommandId] = (now, executing.Command.CommandText, parameters);
            }
            else if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData executed)
            {
                if (executed.Result is not DbDataReader) Finish(executed.CommandId, now);
            }
            else if (e.Key == RelationalEventId.DataReaderDisposing.Name && e.Value is DataReaderDisposingEventData disposing)
            {
                Finish(disposing.CommandId, now);
            }
        }
    }

    private void Finish(Guid commandId, long now)
    {
        if (!open.Remove(commandId, out var c)) return;
        done.Add(new RecordedCommand(c.Sql, c.Parameters, Stopwatch.GetElapsedTime(c.Start, now).TotalMilliseconds));
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var s in subscriptions) s.Dispose();
            subscriptions.Clear();
        }
    }
}

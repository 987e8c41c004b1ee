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
/// Where a search's time goes, measured: each SQL command inside a real SearchAsync call (caller lookup, COUNT, page)
/// timed from EF's own diagnostic events, then hand-written variants of the same SQL run on a raw connection to
/// separate the FTS MATCH itself, the COUNT over the matched ids, and the ORDER BY UpdatedAt for the page.
/// Output goes to stderr.
/// </summary>
public static class SearchBreakdown
{
    private sealed record Parts(BenchQuery Query, double Total, double Caller, double Count, double Page,
        double Match, double RawCount, double EfPage, double SortedIds, double UnsortedIds, double LatePage,
        double ProposedCount, double ProposedPage,
        RecordedCommand? CountSql, RecordedCommand? PageSql)
    {
        public double Other => Total - Caller - Count - Page;
    }

    private const string RowColumns = "Id, Title, Slug, Domain, Category, Difficulty, Status, Visibility, IsSystem, CreatedById, EstimatedMinutes, UpdatedAt";

    public static async Task RunAsync(BenchHost host, IServiceProvider scoped, Guid organisationId, IReadOnlyList<BenchQuery> queries)
    {
        var service = scoped.GetRequiredService<ScenarioQueries>();
        using var recorder = CommandRecorder.Start();
        using var connection = new SqliteConnection(host.ConnectionString);
        connection.Open();
        var results = new List<Parts>();
        foreach (var q in queries)
        {
            recorder.Begin();
            var start = Stopwatch.GetTimestamp();
            await service.SearchAsync(q.ToScenarioQuery());
            var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var commands = recorder.End();
            var caller = commands.FirstOrDefault(c => c.Sql.Contains("AspNetUsers") && !c.Sql.Contains("scenario_fts"));
            var count = commands.FirstOrDefault(c => c.Sql.Contains("scenario_fts") && c.Sql.Contains("COUNT(*)"));
            var page = commands.FirstOrDefault(c => c.Sql.Contains("scenario_fts") && c.Sql.Contains("LIMIT"));

            var match = ScenarioSearchIndex.ToMatchQuery(q.Text)!;
            var filters = new StringBuilder();
            if (q.Domain is { } d) filters.Append($" AND Domain = '{d}'");
            if (q.Status is { } s) filters.Append($" AND Status = '{s}'");
            // The tenant filter in the form EF sends it ("@ef_filter__p2 OR OrganisationId = @TenantId", the flag false),
            // so SQLite picks the same plan as for EF's own SQL.
            var matched = $"Id IN (SELECT rowid FROM scenario_fts WHERE scenario_fts MATCH $match) AND ($noTenant OR OrganisationId = $org){filters}";
            double Raw(string sql) => TimeRaw(connection, sql, RawParameters(match, organisationId));
            results.Add(new Parts(q, total, caller?.Ms ?? double.NaN, count?.Ms ?? double.NaN, page?.Ms ?? double.NaN,
                Raw("SELECT count(*) FROM scenario_fts WHERE scenario_fts MATCH $match"),
                Raw($"SELECT count(*) FROM Scenarios WHERE {matched}"),
                page is null ? double.NaN : TimeRaw(connection, page.Sql, page.Parameters),
                Raw(SortedIdsSql(matched)),
                Raw($"SELECT Id FROM Scenarios WHERE {matched} LIMIT 25"),
                Raw(LatePageSql(matched)),
                count is null ? double.NaN : TimeRaw(connection, Proposed(count.Sql), count.Parameters),
                page is null ? double.NaN : TimeRaw(connection, Proposed(page.Sql), page.Parameters),
                count, page));
        }

        var e = Console.Error;
        e.WriteLine();
        e.WriteLine("Breakdown, mean ms per kind.");
        e.WriteLine("  Inside SearchAsync, from EF's command events: total; caller lookup; COUNT; page query (until every row is read);");
        e.WriteLine("  other = total minus those (context, query pipeline, EF overhead).");
        e.WriteLine("  Raw SQL on the same data (median of 3): match = bare FTS5 MATCH count; count = COUNT of matching scenarios;");
        e.WriteLine("  ef-page = EF's page SQL as sent; sorted = page ids only, ORDER BY UpdatedAt DESC LIMIT 25; unsorted = same without");
        e.WriteLine("  ORDER BY; late = EF's page with the owner/phase-count subqueries applied after the LIMIT instead of to every match;");
        e.WriteLine("  p-count, p-page = EF's COUNT and page SQL as sent, with \"OrganisationId = @TenantId AND\" added inside the FromSql");
        e.WriteLine("  (a plain equality SQLite can use an index for, unlike EF's \"@ef_filter__p2 OR OrganisationId = ...\").");
        e.WriteLine("  The other raw queries write the tenant filter as EF does, so they get EF's plan.");
        e.WriteLine($"    {"kind",-12} {"n",3} | {"total",7} {"caller",7} {"count",7} {"page",7} {"other",7} | " +
            $"{"match",7} {"count",7} {"ef-page",7} {"sorted",7} {"unsorted",8} {"late",7} | {"p-count",7} {"p-page",7}");
        foreach (var group in results.GroupBy(r => r.Query.Kind).Append(results.GroupBy(_ => "ALL").Single()))
        {
            string M(Func<Parts, double> f, int width = 7) => group.Average(f).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(width);
            e.WriteLine($"    {group.Key,-12} {group.Count(),3} | " +
                        $"{M(r => r.Total)} {M(r => r.Caller)} {M(r => r.Count)} {M(r => r.Page)} {M(r => r.Other)} | " +
                        $"{M(r => r.Match)} {M(r => r.RawCount)} {M(r => r.EfPage)} {M(r => r.SortedIds)} {M(r => r.UnsortedIds, 8)} {M(r => r.LatePage)} | " +
                        $"{M(r => r.ProposedCount)} {M(r => r.ProposedPage)}");
        }
        var slowest = results.OrderByDescending(r => r.Total).Take(8).ToList();
        e.WriteLine();
        e.WriteLine("Slowest searches (ms): total / caller / count / page / other | match / count / ef-page / sorted / unsorted / late | p-count / p-page");
        foreach (var r in slowest)
            e.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {r.Query}: {r.Total:0.0} / {r.Caller:0.0} / {r.Count:0.0} / {r.Page:0.0} / {r.Other:0.0} | " +
                $"{r.Match:0.0} / {r.RawCount:0.0} / {r.EfPage:0.0} / {r.SortedIds:0.0} / {r.UnsortedIds:0.0} / {r.LatePage:0.0} | " +
                $"{r.ProposedCount:0.0} / {r.ProposedPage:0.0}"));

        // Plans for the query with the most matches (the expensive case for COUNT and ORDER BY).
        var widest = results.Where(r => r.Query.Domain is null && r.Query.Status is null).MaxBy(r => r.RawCount) ?? results[0];
        foreach (var (label, command) in new[] { ("COUNT", widest.CountSql), ("page", widest.PageSql) })
        {
            if (command is null) continue;
            e.WriteLine();
            e.WriteLine($"{label} SQL as EF sends it (for {widest.Query}):");
            e.WriteLine(Indent(command.Sql));
            e.WriteLine("  query plan:");
            e.WriteLine(Indent(QueryPlan(connection, command.Sql, command.Parameters)));
            e.WriteLine("  query plan with OrganisationId = @TenantId inside the FromSql (p-" + label.ToLowerInvariant() + "):");
            e.WriteLine(Indent(QueryPlan(connection, Proposed(command.Sql), command.Parameters)));
        }
        var widestMatch = ScenarioSearchIndex.ToMatchQuery(widest.Query.Text)!;
        var late = LatePageSql("Id IN (SELECT rowid FROM scenario_fts WHERE scenario_fts MATCH $match) AND ($noTenant OR OrganisationId = $org)");
        e.WriteLine();
        var rawParameters = RawParameters(widestMatch, organisationId);
        e.WriteLine("late page SQL (subqueries after the LIMIT), query plan:");
        e.WriteLine(Indent(QueryPlan(connection, late, rawParameters)));
    }

    private static (string, object?)[] RawParameters(string match, Guid organisationId) =>
        [("$match", match), ("$org", RawScenarioWriter.Guid(organisationId)), ("$noTenant", false)];

    /// <summary>
    /// EF's SQL as it would be if SearchAsync's FromSql also said "OrganisationId = {caller.OrganisationId}".
    /// Once SearchAsync already does so, the SQL is returned as it is.
    /// </summary>
    private static string Proposed(string efSql)
    {
        const string from = "SELECT * FROM Scenarios WHERE Id IN";
        return efSql.Contains(from, StringComparison.Ordinal)
            ? efSql.Replace(from, "SELECT * FROM Scenarios WHERE OrganisationId = @ef_filter__TenantId AND Id IN", StringComparison.Ordinal)
            : efSql;
    }

    private static string SortedIdsSql(string matched) =>
        $"SELECT Id FROM Scenarios WHERE {matched} ORDER BY UpdatedAt DESC, Id DESC LIMIT 25";

    /// <summary>The page as EF builds it, except that the 25 rows are chosen first and only they get the subqueries.</summary>
    private static string LatePageSql(string matched) => $"""
        SELECT p.Id, p.Title, p.Slug, p.Domain, p.Category, p.Difficulty, p.Status, p.Visibility, p.IsSystem,
            COALESCE((SELECT a.DisplayName FROM AspNetUsers AS a WHERE ($noTenant OR a.OrganisationId = $org) AND a.Id = p.CreatedById LIMIT 1),
                'ScenarioStudio'),
            (SELECT COUNT(*) FROM ScenarioPhases AS s0 WHERE ($noTenant OR s0.OrganisationId = $org) AND s0.ScenarioId = p.Id), p.EstimatedMinutes, p.UpdatedAt
        FROM (SELECT {RowColumns} FROM Scenarios WHERE {matched} ORDER BY UpdatedAt DESC, Id DESC LIMIT 25) AS p
        ORDER BY p.UpdatedAt DESC, p.Id DESC
        """;

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

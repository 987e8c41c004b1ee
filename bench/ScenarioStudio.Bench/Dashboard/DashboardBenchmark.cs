using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Bench.Search;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Dashboard;

/// <summary>
/// <c>dashboard [--sessions N] [--keep] [--provider postgres]</c>: one organisation with 500 learners in 10 teams (one manager each),
/// 50 scenarios and N practice sessions spread over the past year (about 11 messages each, a coach assessment per
/// answer). Times the manager dashboard (TeamDashboardService.GetAsync, each manager in turn), the learner progress
/// page (ProgressService.GetMineAsync, random learners), and the Admin's Excel export of every session of the
/// organisation, sampling the process's working set while it runs. With <c>--provider postgres</c> the data is moved
/// with copy-to-postgresql first (<see cref="BenchProvider"/>) and the same calls are timed there.
/// Prints <c>dashboard sessions=N manager_p95_ms=… learner_p95_ms=… export_rows=… export_s=… export_peak_mb=…</c>.
/// </summary>
public static class DashboardBenchmark
{
    public const int Learners = 500, Teams = 10, Scenarios = 50, Samples = 200, DataSeed = 20261123;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var sessions = args.GetInt("sessions", 100_000, min: 1, max: 5_000_000);
        var keep = args.HasFlag("keep");
        var postgres = BenchProvider.IsPostgres(args);
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var (managers, learners) = await PeopleAsync(host, organisationId);
        var watch = Stopwatch.StartNew();
        var scenarios = WriteScenarios(host, organisationId, admin.Id);
        var messages = WriteSessions(host, organisationId, learners.Select(l => l.Id).ToList(), scenarios, sessions);
        Log.Info($"generated {sessions} sessions and {messages} messages in {Log.Seconds(watch.Elapsed)} s; " +
                 $"database {new FileInfo(host.DatabasePath).Length / 1024.0 / 1024.0:0} MB");
        await ProbeAsync(host, admin);
        var (moved, server) = postgres ? await BenchProvider.MoveToPostgresAsync(host, keep) : (null, null);
        await using var postgresServer = server; // stopped after the app on it
        await using var onPostgres = moved;
        var app = moved ?? host;
        ReleaseLoadingMemory();

        Log.Info($"manager dashboard: {Samples} calls over {managers.Count} managers");
        var managerMs = await TimeAsync(app, managers, Samples, async s => (await s.GetRequiredService<TeamDashboardService>().GetAsync()).Learners.Count);
        Log.Info($"learner progress: {Samples} calls over random learners");
        var random = new Random(DataSeed);
        var sampleLearners = Enumerable.Range(0, Samples).Select(_ => learners[random.Next(learners.Count)]).ToList();
        var learnerMs = await TimeAsync(app, sampleLearners, Samples,
            async s => (await s.GetRequiredService<ProgressService>().GetMineAsync()).CompletedSessions);
        var adminMs = await TimeAsync(app, [admin], 20, async s => (await s.GetRequiredService<TeamDashboardService>().GetAsync()).Learners.Count);

        Log.Info("export: every session of the organisation to Excel, as the Admin");
        var (rows, seconds, peakMb, bytes) = await ExportAsync(app, admin, ExportFormat.Excel);
        var csv = await ExportAsync(app, admin, ExportFormat.Csv);
        Log.Info($"xlsx {bytes / 1024.0 / 1024.0:0.0} MB; csv {csv.Rows} rows in {csv.Seconds:0.00} s, " +
            $"peak {csv.PeakMb:0} MB, {csv.Bytes / 1024.0 / 1024.0:0.0} MB");

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dashboard sessions={sessions} manager_p95_ms={Percentile.Of(managerMs, 95):0.0} learner_p95_ms={Percentile.Of(learnerMs, 95):0.0}" +
            $" export_rows={rows} export_s={seconds:0.00} export_peak_mb={peakMb:0}{BenchProvider.Suffix(postgres)}"));
        Console.Out.Flush();
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"p50: manager {Percentile.Of(managerMs, 50):0.0} ms, learner {Percentile.Of(learnerMs, 50):0.0}" +
            $" ms; admin (all 500 learners) p50 {Percentile.Of(adminMs, 50):0.0} p95 {Percentile.Of(adminMs, 95):0.0} ms; " +
            $"ClosedXML's figure is {250_000 / 8.0:0} rows/s, this export {rows / seconds:0} rows/s"));
        return 0;
    }

    private static async Task<(List<ApplicationUser> Managers, List<ApplicationUser> Learners)> PeopleAsync(BenchHost host, Guid organisationId)
    {
        var managers = new List<ApplicationUser>();
        var learners = new List<ApplicationUser>();
        for (var t = 0; t < Teams; t++) managers.Add(await host.AddMemberAsync(organisationId, OrgRole.Manager, $"Manager {t + 1}", withPassword: false));
        for (var i = 0; i < Learners; i++)
            learners.Add(await host.AddMemberAsync(organisationId, OrgRole.Learner, $"Learner {i + 1:000}", withPassword: false));
        await using var db = await host.OpenUnfilteredAsync();
        for (var t = 0; t < Teams; t++)
        {
            var team = new Team { OrganisationId = organisationId, Name = $"Team {t + 1}", ManagerId = managers[t].Id };
            team.Members.AddRange(learners.Skip(t * Learners / Teams).Take(Learners / Teams)
                .Select(l => new TeamMember { UserId = l.Id, OrganisationId = organisationId }));
            db.Teams.Add(team);
        }
        await db.SaveChangesAsync();
        return (managers, learners);
    }

    private sealed record BenchScenario(int Id, ScenarioDocument Document, string Snapshot, double Difficulty);

    private static List<BenchScenario> WriteScenarios(BenchHost host, Guid organisationId, string authorId)
    {
        var generator = new ScenarioGenerator(Scenarios, DataSeed, [authorId]);
        using var connection = Open(host);
        var firstId = Convert.ToInt32(Scalar(connection, "SELECT COALESCE(MAX(Id), 0) FROM Scenarios")) + 1;
        var random = new Random(DataSeed);
        var result = new List<BenchScenario>();
        using var tx = connection.BeginTransaction();
        using (var writer = new RawScenarioWriter(connection, tx, organisationId))
        {
            for (var i = 0; i < Scenarios; i++)
            {
                var g = generator.Next(i);
                writer.Write(firstId + i, g with { Status = ScenarioStatus.Published, PublishedAt = g.UpdatedAt });
                result.Add(new BenchScenario(firstId + i, g.Document, ScenarioJson.Serialize(g.Document), random.NextDouble() * 16 - 8));
            }
        }
        tx.Commit();
        return result;
    }

    /// <summary>Sessions over the past year: busy and quiet learners, some who stopped a while ago, scores that improve.</summary>
    private static long WriteSessions(BenchHost host, Guid organisationId, List<string> learnerIds, List<BenchScenario> scenarios, int count)
    {
        var random = new Random(DataSeed + 1);
        var now = DateTimeOffset.UtcNow;
        var yearAgo = now.AddDays(-365);
        var weights = learnerIds.Select(_ => Math.Exp(Normal(random) * 0.7)).ToArray();
        var cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) cumulative[i] = sum += weights[i];
        var skill = learnerIds.Select(_ => 60 + Normal(random) * 10).ToArray();
        // One learner in twenty stopped practising 30 to 120 days ago.
        var lastDay = learnerIds.Select(_ => random.NextDouble() < 0.05 ? now.AddDays(-30 - random.Next(90)) : now).ToArray();
        var scenarioZipf = new Zipf(scenarios.Count, 0.8);

        using var connection = Open(host);
        Execute(connection, "PRAGMA cache_size = -262144;");
        long messages = 0;
        using (var tx = connection.BeginTransaction())
        using (var writer = new RawPracticeWriter(connection, tx, organisationId))
        {
            var step = Math.Max(1, count / 10);
            for (var n = 0; n < count; n++)
            {
                var l = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                l = Math.Min(l < 0 ? ~l : l, learnerIds.Count - 1);
                var scenario = scenarios[scenarioZipf.Next(random)];
                var window = (lastDay[l] - yearAgo).TotalSeconds;
                var started = yearAgo.AddSeconds(random.NextDouble() * window);
                var progress = (started - yearAgo).TotalDays / 365;
                var phases = scenario.Document.Phases;
                var completed = random.NextDouble() < 0.85;
                var reached = completed ? phases.Count : 1 + random.Next(phases.Count);
                var outcomes = phases.Select(_ => PhaseOutcome.Pending).ToList();
                var id = Guid.NewGuid();
                var at = started;
                var sequence = 0;
                var phaseScores = new List<int>();
                var rows = new List<(int Phase, Speaker Speaker, MessageKind Kind, string Text, Assessment? Assessment, DateTimeOffset At)>();
                for (var p = 0; p < reached; p++)
                {
                    var phase = phases[p];
                    var score = Clamp(skill[l] + 15 * progress - scenario.Difficulty + Normal(random) * 10);
                    rows.Add((p, Speaker.Customer, MessageKind.Opening, phase.CustomerOpening, null, at = at.AddSeconds(5)));
                    rows.Add((p, Speaker.Learner, MessageKind.Answer, Answer(phase, random), null, at = at.AddSeconds(40 + random.Next(80))));
                    if (!completed && p == reached - 1 && random.NextDouble() < 0.5) break; // left before the coach answered
                    var criteria = scenario.Document.Rubric.Select(c => new CriterionScore(c.Name, Clamp(score + Normal(random) * 8),
                        "Used 2 of 3 key phrases; closeness to the ideal response 64%.")).ToList();
                    var assessment = new Assessment(score, criteria, ["Acknowledged the customer's concern."], ["Close with a clear next step."],
                        phase.IdealResponse, score >= 70);
                    rows.Add((p, Speaker.Coach, MessageKind.Feedback, $"Score {score}. You acknowledged the concern; now close with a clear next step.",
                        assessment, at = at.AddSeconds(10)));
                    phaseScores.Add(score);
                    if (completed || p < reached - 1) outcomes[p] = score >= 70 ? PhaseOutcome.Met : PhaseOutcome.Missed;
                }
                int? overall = completed ? (int)Math.Round(phaseScores.Average()) : null;
                var xp = overall is { } o ? (int)Math.Round(scenario.Document.XpReward * o / 100.0) : 0;
                writer.WriteSession(id, learnerIds[l], scenario.Id, scenario.Document.Title, scenario.Snapshot,
                    completed ? SessionStage.Completed : SessionStage.LearnerAnswer, completed ? phases.Count - 1 : reached - 1,
                    outcomes, overall, xp, started, at, completed ? at : null, rows.Count(r => r.Speaker == Speaker.Learner));
                foreach (var r in rows) writer.WriteMessage(id, learnerIds[l], scenario.Id, ++sequence, r.Phase, r.Speaker, r.Kind, r.Text, r.Assessment, r.At);
                messages += rows.Count;
                if ((n + 1) % step == 0) Log.Info($"generated {n + 1}/{count} sessions");
            }
            tx.Commit();
        }
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Execute(connection, "ANALYZE;");
        return messages;
    }

    /// <summary>
    /// Loading 1 GB through SQLite leaves the freed page cache in glibc's heap, where it would count against the
    /// export's peak though a server process never loads data that way: hand it back to the system first.
    /// </summary>
    private static void ReleaseLoadingMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (OperatingSystem.IsLinux()) MallocTrim(0);
        using var process = Process.GetCurrentProcess();
        Log.Info($"after loading: working set {process.WorkingSet64 / 1024.0 / 1024.0:0} MB");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Reads a generated session back through the app's own services: the rows must be what EF expects.</summary>
    private static async Task ProbeAsync(BenchHost host, ApplicationUser admin)
    {
        Guid id;
        await using (var db = await host.OpenUnfilteredAsync())
            id = await db.PracticeSessions.Where(s => s.CompletedAt != null).OrderBy(s => s.StartedAt).Select(s => s.Id).FirstAsync();
        await using var scope = await host.AsAsync(admin);
        var view = await scope.ServiceProvider.GetRequiredService<PracticeService>().GetAsync(id);
        if (view.Stage != SessionStage.Completed || view.Messages.Count < 3 || view.OverallScore is null ||
            view.Messages.Count(m => m.Assessment is not null) == 0 || view.Outcomes.Any(o => o == PhaseOutcome.Pending))
            throw new InvalidOperationException("A generated session does not read back as a completed session with assessments.");
    }

    private static async Task<List<double>> TimeAsync(BenchHost host, IReadOnlyList<ApplicationUser> users, int samples,
        Func<IServiceProvider, Task<int>> call)
    {
        var results = new List<double>(samples);
        for (var i = 0; i < samples + Math.Min(5, users.Count); i++)
        {
            await using var scope = await host.AsAsync(users[i % users.Count]);
            var start = Stopwatch.GetTimestamp();
            await call(scope.ServiceProvider);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= Math.Min(5, users.Count)) results.Add(ms); // the first calls warm up
        }
        return results;
    }

    private static async Task<(int Rows, double Seconds, double PeakMb, long Bytes)> ExportAsync(BenchHost host, ApplicationUser admin, ExportFormat format)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using (var before = Process.GetCurrentProcess())
            Log.Info($"{format} export: working set before {before.WorkingSet64 / 1024.0 / 1024.0:0} MB, " +
                $"managed heap {GC.GetTotalMemory(false) / 1024.0 / 1024.0:0} MB, " +
                $"GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1024.0 / 1024.0:0} MB, private {before.PrivateMemorySize64 / 1024.0 / 1024.0:0} MB");
        var path = Path.Combine(host.Directory, "export." + TableExport.Extension(format));
        var memory = PeakWorkingSet.Start();
        var start = Stopwatch.GetTimestamp();
        var rows = 0;
        await using (var scope = await host.AsAsync(admin))
        {
            var table = await scope.ServiceProvider.GetRequiredService<TeamDashboardService>().SessionsAsync();
            var counted = table with { Rows = Count(table.Rows, () => rows++) };
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
            await TableExport.WriteAsync(counted, format, file);
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var peakMb = await memory.StopAsync();
        var bytes = new FileInfo(path).Length;
        File.Delete(path);
        return (rows, seconds, peakMb, bytes);
    }

    private static async IAsyncEnumerable<object?[]> Count(IAsyncEnumerable<object?[]> rows, Action counted)
    {
        await foreach (var row in rows)
        {
            counted();
            yield return row;
        }
    }

    private static string Answer(Phase phase, Random random) =>
        random.Next(3) == 0 ? phase.IdealResponse : "I understand, thank you for telling me. Let me check that for you and " +
            (phase.EssentialPhrases.Count > 0 ? phase.EssentialPhrases[random.Next(phase.EssentialPhrases.Count)] : "come back to you today") + ".";

    private static int Clamp(double score) => (int)Math.Round(Math.Clamp(score, 0, 100));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>An unpooled connection for loading, so its large page cache is freed when it closes.</summary>
    private static SqliteConnection Open(BenchHost host)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(host.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

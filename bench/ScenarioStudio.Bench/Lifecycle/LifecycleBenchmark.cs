using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Bench.Audit;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Bench.Search;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Lifecycle;

/// <summary>
/// <c>lifecycle [--scenarios N] [--audit-rows N] [--keep]</c>: N published scenarios with 10 versions each and a million
/// audit rows in one organisation, then, through the app's services: a scenario's History (versions and review steps),
/// the diff of two versions, a filtered page of the audit log, and approving a submitted change (a new version).
/// Prints <c>lifecycle scenarios=N versions=… audit_rows=… history_p95_ms=… diff_p95_ms=… audit_page_p95_ms=… publish_p95_ms=…</c>.
/// </summary>
public static class LifecycleBenchmark
{
    public const int VersionsEach = 10, Samples = 200, DataSeed = 20261201;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var scenarios = args.GetInt("scenarios", 10_000, min: 10, max: 1_000_000);
        var auditRows = args.GetInt("audit-rows", 1_000_000, min: 1000, max: 20_000_000);
        var keep = args.HasFlag("keep");
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var author = await host.AddMemberAsync(organisationId, OrgRole.ContentManager, "Bench Author");
        var reviewer = await host.AddMemberAsync(organisationId, OrgRole.Reviewer, "Bench Reviewer");
        var members = new[] { admin, author, reviewer };

        var watch = Stopwatch.StartNew();
        Fill(host, organisationId, members, scenarios);
        // The rows are written straight to SQLite: their categories join the organisation's list as start-up does it.
        await ScenarioStudio.Scenarios.Categories.CategoryService.SyncAsync(host.Services);
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var actors = members.ToList();
        for (var i = 1; i <= 12; i++) actors.Add(await host.AddMemberAsync(organisationId, OrgRole.ContentManager, $"Member {i:00}", withPassword: false));
        await AuditBenchmark.WriteAsync(host, admin, organisationId, actors, auditRows, start);
        Log.Info($"filled {scenarios} scenarios, {scenarios * VersionsEach} versions and {auditRows} audit rows in {Log.Seconds(watch.Elapsed)} s; " +
                 $"database {new FileInfo(host.DatabasePath).Length / 1024.0 / 1024.0:0} MB");

        var random = new Random(DataSeed);
        var ids = Enumerable.Range(0, Samples + 20).Select(_ => random.Next(1, scenarios + 1)).ToList();

        await using var asAuthor = await host.AsAsync(author);
        await using var asReviewer = await host.AsAsync(reviewer);
        await using var asAdmin = await host.AsAsync(admin);
        var history = asAuthor.ServiceProvider.GetRequiredService<ScenarioHistory>();

        var historyMs = await TimeAsync("history", ids, id => history.ListAsync(id));
        var diffMs = await TimeAsync("diff", ids, id =>
        {
            var from = 1 + id % (VersionsEach - 1);
            return history.DiffAsync(id, VersionRef.Of(from), VersionRef.Of(from + 1));
        });
        // The audit log: the audit benchmark's 144 filter combinations, first pages, through AuditLogService.PageAsync.
        var auditLog = asAdmin.ServiceProvider.GetRequiredService<AuditLogService>();
        var cases = AuditBenchmark.Cases(admin.Id, actors[^1].Id, start);
        var auditMs = await TimeAsync("audit page", Enumerable.Range(0, cases.Count + 20).Select(i => i % cases.Count).ToList(),
            i => auditLog.PageAsync(cases[i].Filter, null, 50, CancellationToken.None));

        // Approving a change: the author edits and submits (not timed), the reviewer approves (timed).
        var commands = asAuthor.ServiceProvider.GetRequiredService<ScenarioCommands>();
        var queries = asAuthor.ServiceProvider.GetRequiredService<ScenarioQueries>();
        var authorLifecycle = asAuthor.ServiceProvider.GetRequiredService<ScenarioLifecycle>();
        var reviewerLifecycle = asReviewer.ServiceProvider.GetRequiredService<ScenarioLifecycle>();
        var publishIds = ids.Distinct().ToList();
        var publishMs = new List<double>();
        foreach (var (id, i) in publishIds.Select((id, i) => (id, i)))
        {
            var details = await queries.GetAsync(id);
            var doc = details.Document;
            doc.Description = $"Revised for the benchmark, change {i}.";
            await commands.UpdateAsync(id, doc, details.Visibility, details.Revision);
            await authorLifecycle.SubmitForReviewAsync(id, "Benchmark change");
            var begun = Stopwatch.GetTimestamp();
            await reviewerLifecycle.PublishAsync(id, "Approved by the benchmark");
            if (i >= 10) publishMs.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
        }
        Log.Info($"publish: {publishMs.Count} approvals timed after 10 warm-up");

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lifecycle scenarios={scenarios} versions={scenarios * VersionsEach} audit_rows={auditRows} " +
            $"history_p95_ms={Percentile.Of(historyMs, 95):0.0} diff_p95_ms={Percentile.Of(diffMs, 95):0.0} " +
            $"audit_page_p95_ms={Percentile.Of(auditMs, 95):0.0} publish_p95_ms={Percentile.Of(publishMs, 95):0.0}"));
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Times one call per id after 20 untimed warm-up calls; returns the timed milliseconds.</summary>
    private static async Task<List<double>> TimeAsync<T>(string label, IReadOnlyList<int> ids, Func<int, Task<T>> call)
    {
        foreach (var id in ids.Take(20)) await call(id);
        var times = new List<double>();
        foreach (var id in ids.Skip(20))
        {
            var begun = Stopwatch.GetTimestamp();
            await call(id);
            times.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
        }
        Log.Info($"{label}: {times.Count} timed, p50 {Log.Ms(Percentile.Of(times, 50))} ms, p95 {Log.Ms(Percentile.Of(times, 95))} ms");
        return times;
    }

    /// <summary>
    /// Writes the scenarios (published, live version 10) through <see cref="RawScenarioWriter"/> and their versions
    /// with prepared INSERTs, in one transaction (the audit rows are the audit benchmark's, <see cref="AuditBenchmark.WriteAsync"/>).
    /// </summary>
    private static void Fill(BenchHost host, Guid organisationId, IReadOnlyList<ApplicationUser> members, int count)
    {
        var generator = new ScenarioGenerator(count, DataSeed, [members[1].Id]);
        using var connection = new SqliteConnection(host.ConnectionString);
        connection.Open();
        SearchBenchmark.Execute(connection, "PRAGMA cache_size = -262144;");
        using (var tx = connection.BeginTransaction())
        {
            using var writer = new RawScenarioWriter(connection, tx, organisationId);
            using var version = PreparedCommands.Prepare(connection, tx, """
                INSERT INTO "ScenarioVersions" ("OrganisationId", "ScenarioId", "Number", "Document", "ChangeNote", "AuthorName",
                    "PublishedById", "PublishedByName", "PublishedAt")
                VALUES ($org, $scenario, $number, $document, $note, $author, $by, $byName, $at)
                """);
            for (var i = 0; i < count; i++)
            {
                var g = generator.Next(i) with { Status = ScenarioStatus.Published };
                writer.Write(i + 1, g);
                var doc = g.Document;
                for (var n = 1; n <= VersionsEach; n++)
                {
                    // Each version differs from the one before in a text of its first phase and in its description.
                    doc.Description = $"{doc.Description.Split(" (rev")[0]} (rev {n})";
                    doc.Phases[0].IdealResponse = $"{doc.Phases[0].IdealResponse.Split(" Revision")[0]} Revision {n} adds a question.";
                    version.Set("$org", organisationId.ToString().ToUpperInvariant());
                    version.Set("$scenario", i + 1);
                    version.Set("$number", n);
                    version.Set("$document", ScenarioJson.Serialize(doc));
                    version.Set("$note", $"Change {n}");
                    version.Set("$author", members[1].DisplayName);
                    version.Set("$by", members[2].Id);
                    version.Set("$byName", members[2].DisplayName);
                    version.Set("$at", RawScenarioWriter.Binary(g.CreatedAt.AddDays(n)));
                    version.ExecuteNonQuery();
                }
                if ((i + 1) % Math.Max(1, count / 10) == 0) Log.Info($"scenarios {i + 1}/{count}");
            }
            tx.Commit();
        }
        SearchBenchmark.Execute(connection, $"UPDATE Scenarios SET LiveVersion = {VersionsEach};");
        SearchBenchmark.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Bench.Dashboard;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Experiments;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Experiments;

/// <summary>
/// <c>experiment [--learners N] [--weeks W] [--keep]</c>: one organisation, a published scenario A and its published
/// variant B made through ExperimentService, and a running 50/50 experiment. N learners (default 2,000; each is a user
/// id split by the real VariantSplit, as practice does: the comparison never reads the users table) each practise
/// once a week for W weeks (default 52, a year) in the variant the split gives them; 85 % of sessions complete, each
/// with three scored coach answers and five criterion rows per answer, written with the dashboard benchmark's raw
/// writer with the experiment and the variant, as practice writes them (the totals' triggers fire on them). Times the
/// experiment page's comparison (ExperimentService.GetAsync, as a Content manager) after five warm-up calls.
/// Prints <c>experiment learners=N experiment_p95_ms=…</c>.
/// </summary>
public static class ExperimentBenchmark
{
    public const int Samples = 100, DataSeed = 20261201;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var learners = args.GetInt("learners", 2_000, min: 2, max: 100_000);
        var weeks = args.GetInt("weeks", 52, min: 1, max: 520);
        var keep = args.HasFlag("keep");
        args.RejectUnknown();
        var p95 = await MeasureAsync(learners, weeks, keep);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"experiment learners={learners} experiment_p95_ms={p95:0.0}"));
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Builds the data in a database of its own and gives the p95 of the comparison in ms (the programs benchmark's figure too).</summary>
    public static async Task<double> MeasureAsync(int learners, int weeks, bool keep)
    {
        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var creator = await host.AddMemberAsync(organisationId, OrgRole.ContentManager, "Bench Creator");
        int a, b;
        Guid experimentId;
        await using (var scope = await host.AsAsync(admin))
        {
            var services = scope.ServiceProvider;
            a = await services.GetRequiredService<ScenarioCommands>().CreateAsync(Document("Price objection: the bigger plan"));
            await services.GetRequiredService<ScenarioLifecycle>().PublishAsync(a);
            b = await services.GetRequiredService<ExperimentService>().CreateVariantAsync(a);
            await services.GetRequiredService<ScenarioLifecycle>().PublishAsync(b);
            experimentId = await services.GetRequiredService<ExperimentService>().StartAsync(new ExperimentInput(b, "Bolder opening"));
        }

        var watch = Stopwatch.StartNew();
        var (sessions, completed) = await WriteSessionsAsync(host, organisationId, experimentId, a, b, learners, weeks);
        Log.Info($"generated {sessions} sessions ({completed} completed) in {Log.Seconds(watch.Elapsed)} s; " +
                 $"database {new FileInfo(host.DatabasePath).Length / 1024.0 / 1024.0:0} MB");

        var results = new List<double>(Samples);
        ExperimentReport? report = null;
        for (var i = 0; i < Samples + 5; i++)
        {
            await using var scope = await host.AsAsync(creator);
            var start = Stopwatch.GetTimestamp();
            report = await scope.ServiceProvider.GetRequiredService<ExperimentService>().GetAsync(experimentId);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 5) results.Add(ms);
        }
        // The figures must be the data's: every session counted, both variants near half the learners.
        if (report!.A.Sessions + report.B.Sessions != sessions || report.A.Learners + report.B.Learners != learners
            || (learners >= 100 && report.Test is null))
            throw new InvalidOperationException("The comparison does not count the generated sessions.");
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"A: {report.A.Learners} learners, {report.A.Sessions} sessions, average {report.A.AverageScore:0.0}; " +
            $"B: {report.B.Learners} learners, {report.B.Sessions} sessions, average {report.B.AverageScore:0.0}; {report.Verdict} " +
            $"p50 {Percentile.Of(results, 50):0.0} ms"));
        return Percentile.Of(results, 95);
    }

    private static ScenarioDocument Document(string title)
    {
        var doc = RubricDefaults.NewDocument(ScenarioDomain.Sales);
        doc.Title = title;
        doc.Slug = ScenarioValidator.Slugify(title);
        doc.Description = "A prospect says the bigger plan costs too much.";
        doc.Persona = new Persona { Name = "Priya", Age = 41, Role = "Owner of a bakery chain", Traits = ["sceptical"], StartingMood = "guarded" };
        doc.Context.LearnerBrief = "You sell a WhatsApp marketing platform.";
        doc.Phases = Enumerable.Range(1, 3).Select(i => new Phase
        {
            Name = $"Phase {i}", CustomerOpening = $"Opening line {i}", IdealResponse = $"Ideal response {i}: I understand. Let me suggest a pilot.",
            KeyVocabulary = ["trial", "pilot", "onboarding", "campaign", "results"],
            EssentialPhrases = ["I understand", "Let me suggest", "Shall we", "What matters most", "Here is how"], ExpectedMinutes = 4,
        }).ToList();
        return doc;
    }

    private static async Task<(int Sessions, int Completed)> WriteSessionsAsync(BenchHost host, Guid organisationId, Guid experimentId, int a, int b,
        int learners, int weeks)
    {
        Dictionary<int, (string Title, ScenarioDocument Doc)> scenarios;
        await using (var db = await host.OpenUnfilteredAsync())
            scenarios = (await db.Scenarios.Include(s => s.Phases).Where(s => s.Id == a || s.Id == b).ToListAsync())
                .ToDictionary(s => s.Id, s => (s.Title, s.ToDocument()));
        var random = new Random(DataSeed);
        var now = DateTimeOffset.UtcNow;
        var (sessions, completedCount) = (0, 0);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(host.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using (var tx = connection.BeginTransaction())
        using (var writer = new RawPracticeWriter(connection, tx, organisationId))
        {
            for (var l = 0; l < learners; l++)
            {
                var learnerId = Guid.NewGuid().ToString();
                var variant = VariantSplit.VariantFor(experimentId, learnerId, 50);
                var scenarioId = variant == "B" ? b : a;
                var (title, doc) = scenarios[scenarioId];
                var arm = new RawPracticeWriter.Arm(experimentId, variant);
                var snapshot = ScenarioJson.Serialize(doc);
                // B's bolder opening is worth a few points; learners differ more than that.
                var skill = 60 + Normal(random) * 10 + (variant == "B" ? 2 : 0);
                for (var w = 0; w < weeks; w++)
                {
                    var started = now.AddDays(-7 * (weeks - w) + random.NextDouble() * 6);
                    var completed = random.NextDouble() < 0.85;
                    var id = Guid.NewGuid();
                    var at = started;
                    var assessments = new List<(Assessment Assessment, DateTimeOffset At)>();
                    for (var p = 0; p < (completed ? doc.Phases.Count : 1); p++)
                    {
                        var score = Clamp(skill + 10.0 * w / weeks + Normal(random) * 8);
                        var criteria = doc.Rubric.Select(c => new CriterionScore(c.Name, Clamp(score + Normal(random) * 6), "")).ToList();
                        assessments.Add((new Assessment(score, criteria, [], [], doc.Phases[p].IdealResponse, score >= 70), at = at.AddSeconds(60)));
                    }
                    int? overall = completed ? (int)Math.Round(assessments.Average(x => x.Assessment.Overall)) : null;
                    writer.WriteSession(id, learnerId, scenarioId, title, snapshot, completed ? SessionStage.Completed : SessionStage.LearnerAnswer,
                        completed ? doc.Phases.Count - 1 : 0, doc.Phases.Select(_ => completed ? PhaseOutcome.Met : PhaseOutcome.Pending).ToList(),
                        overall, 0, started, at, completed ? at : null, completed ? doc.Phases.Count * 2 : 1, arm);
                    for (var p = 0; p < assessments.Count; p++)
                        writer.WriteMessage(id, learnerId, scenarioId, p + 1, p, Speaker.Coach, MessageKind.Feedback,
                            $"Score {assessments[p].Assessment.Overall}.", assessments[p].Assessment, assessments[p].At, arm);
                    sessions++;
                    if (completed) completedCount++;
                }
                if ((l + 1) % Math.Max(1, learners / 10) == 0) Log.Info($"generated {l + 1}/{learners} learners");
            }
            tx.Commit();
        }
        using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;";
            analyze.ExecuteNonQuery();
        }
        return (sessions, completedCount);
    }

    private static int Clamp(double score) => (int)Math.Round(Math.Clamp(score, 0, 100));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

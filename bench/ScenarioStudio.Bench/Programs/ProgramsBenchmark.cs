using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Bench.Dashboard;
using ScenarioStudio.Bench.Experiments;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Bench.Search;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Programs;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Schedules;

namespace ScenarioStudio.Bench.Programs;

/// <summary>
/// <c>programs [--learners N] [--keep]</c>: one organisation with N learners (default 2000) in teams of 50 (40 teams at
/// 2000, one manager each) in four time zones, 50 published scenarios and 20 programs of 10 days. Over the past year each
/// team went through five programs one after another (the last one running today); learners practised most days of them
/// (some late, some missed) and practised other scenarios besides: about 100 completed sessions per learner. Times the
/// manager's grid (EnrolmentService.GridAsync, random enrolments as their team's manager) and the learner's Home list of
/// everything assigned (AssignedWork.ListMineAsync: assignments and every program they are on, random learners).
/// Then the experiment benchmark's comparison with as many learners (<see cref="ExperimentBenchmark.MeasureAsync"/>, a year of
/// weekly sessions in a database of its own). Prints <c>programs learners=N grid_p95_ms=… learner_today_p95_ms=… experiment_p95_ms=…</c>.
/// </summary>
public static class ProgramsBenchmark
{
    public const int TeamSize = 50, Scenarios = 50, Programs = 20, Days = 10, ProgramsPerTeam = 5, OtherSessions = 50, Samples = 200,
        DataSeed = 20261201;
    private static readonly string[] Zones = ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo"];

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var learnerCount = args.GetInt("learners", 2000, min: TeamSize, max: 100_000);
        var keep = args.HasFlag("keep");
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var watch = Stopwatch.StartNew();
        var teams = learnerCount / TeamSize;
        var managers = new List<ApplicationUser>();
        var learners = new List<ApplicationUser>();
        for (var t = 0; t < teams; t++) managers.Add(await host.AddMemberAsync(organisationId, OrgRole.Manager, $"Manager {t + 1}", withPassword: false));
        for (var i = 0; i < teams * TeamSize; i++)
            learners.Add(await host.AddMemberAsync(organisationId, OrgRole.Learner, $"Learner {i + 1:0000}", withPassword: false));
        Log.Info($"{learners.Count} learners and {managers.Count} managers in {Log.Seconds(watch.Elapsed)} s");

        var scenarios = WriteScenarios(host, organisationId, admin.Id);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (enrolments, plans) = await WriteProgramsAsync(host, organisationId, admin.Id, managers, learners, scenarios.Select(s => s.Id).ToList(), today);
        var sessions = WriteSessions(host, organisationId, learners, enrolments, plans, scenarios);
        Log.Info($"generated {enrolments.Count} enrolments and {sessions} sessions in {Log.Seconds(watch.Elapsed)} s; " +
                 $"database {new FileInfo(host.DatabasePath).Length / 1024.0 / 1024.0:0} MB");

        var random = new Random(DataSeed);
        var gridMs = new List<double>();
        var cells = 0;
        for (var i = 0; i < Samples + 5; i++)
        {
            var e = enrolments[random.Next(enrolments.Count)];
            await using var scope = await host.AsAsync(managers[e.Team]);
            var start = Stopwatch.GetTimestamp();
            var grid = await scope.ServiceProvider.GetRequiredService<EnrolmentService>().GridAsync(e.Id);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (grid.Rows.Count != TeamSize) throw new InvalidOperationException($"A grid has {grid.Rows.Count} rows, not {TeamSize}.");
            cells += grid.Rows.Sum(r => r.Days.Count(d => d.IsDone));
            if (i >= 5) gridMs.Add(ms);
        }
        var todayMs = new List<double>();
        var items = 0;
        for (var i = 0; i < Samples + 5; i++)
        {
            await using var scope = await host.AsAsync(learners[random.Next(learners.Count)]);
            var start = Stopwatch.GetTimestamp();
            var work = await scope.ServiceProvider.GetRequiredService<AssignedWork>().ListMineAsync();
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            items += work.Count;
            if (i >= 5) todayMs.Add(ms);
        }
        if (cells == 0 || items == 0)
            throw new InvalidOperationException("The generated sessions complete no program day: the data is not what the rules read.");

        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"p50: grid {Percentile.Of(gridMs, 50):0.0} ms, learner today {Percentile.Of(todayMs, 50):0.0} ms; " +
            $"{cells / (double)(Samples + 5):0} days done per grid, {items / (double)(Samples + 5):0.0} items per learner list"));
        var experimentP95 = await ExperimentBenchmark.MeasureAsync(learners.Count, 52, keep);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"programs learners={learners.Count} grid_p95_ms={Percentile.Of(gridMs, 95):0.0} learner_today_p95_ms={Percentile.Of(todayMs, 95):0.0} " +
            $"experiment_p95_ms={experimentP95:0.0}"));
        Console.Out.Flush();
        return 0;
    }

    private sealed record BenchScenario(int Id, string Title, string Snapshot);

    private sealed record BenchEnrolment(Guid Id, int Team, int Program, DateOnly StartOn);

    private static List<BenchScenario> WriteScenarios(BenchHost host, Guid organisationId, string authorId)
    {
        var generator = new ScenarioGenerator(Scenarios, DataSeed, [authorId]);
        using var connection = Open(host);
        using var max = connection.CreateCommand();
        max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM Scenarios";
        var firstId = Convert.ToInt32(max.ExecuteScalar()) + 1;
        var result = new List<BenchScenario>();
        using var tx = connection.BeginTransaction();
        using (var writer = new RawScenarioWriter(connection, tx, organisationId))
        {
            for (var i = 0; i < Scenarios; i++)
            {
                var g = generator.Next(i);
                writer.Write(firstId + i, g with { Status = ScenarioStatus.Published, PublishedAt = g.UpdatedAt });
                result.Add(new BenchScenario(firstId + i, g.Document.Title, ScenarioJson.Serialize(g.Document)));
            }
        }
        tx.Commit();
        return result;
    }

    /// <summary>
    /// Teams, 20 programs and each team's five enrolments through EF (a few hundred rows); learners' time zones by SQL.
    /// Team t's k-th program starts 73·(4 − k) + t mod 7 days ago, so the last is running today.
    /// </summary>
    private static async Task<(List<BenchEnrolment>, List<List<ProgramDayPlan>>)> WriteProgramsAsync(BenchHost host, Guid organisationId,
        string adminId, List<ApplicationUser> managers, List<ApplicationUser> learners, List<int> scenarioIds, DateOnly today)
    {
        var random = new Random(DataSeed + 2);
        var now = DateTimeOffset.UtcNow;
        await using var db = await host.OpenUnfilteredAsync();
        var teamIds = new List<Guid>();
        for (var t = 0; t < managers.Count; t++)
        {
            var team = new Team { OrganisationId = organisationId, Name = $"Team {t + 1}", ManagerId = managers[t].Id };
            team.Members.AddRange(learners.Skip(t * TeamSize).Take(TeamSize).Select(l => new TeamMember { UserId = l.Id, OrganisationId = organisationId }));
            db.Teams.Add(team);
            teamIds.Add(team.Id);
            // Every team practises on weekdays at a time of its own, so the grid classifies days by their practice windows.
            db.Set<PracticeSlot>().Add(new PracticeSlot
            {
                OrganisationId = organisationId, TeamId = team.Id, Days = PracticeDays.Weekdays, StartTime = new TimeOnly(8 + t % 10, 0),
                TimeZone = Zones[t % Zones.Length], DurationMinutes = 60, CreatedAt = now.AddYears(-2),
            });
        }
        var plans = new List<List<ProgramDayPlan>>();
        var programIds = new List<Guid>();
        for (var p = 0; p < Programs; p++)
        {
            var days = Enumerable.Range(0, Days).Select(d => new ProgramDayPlan
            {
                Theme = $"Theme {d + 1} of program {p + 1}", MinScore = 60, Unlock = p % 4 == 3 ? UnlockRule.AfterPreviousDone : UnlockRule.OnDate,
                ScenarioIds = d == Days - 1
                    ? [scenarioIds[random.Next(Scenarios)], scenarioIds[random.Next(Scenarios)]]
                    : [scenarioIds[random.Next(Scenarios)]],
            }).ToList();
            var program = new TrainingProgram
            {
                OrganisationId = organisationId, Name = $"Program {p + 1}", Description = "Ten themed days.", Days = days,
                CreatedById = adminId, CreatedAt = now, UpdatedAt = now,
            };
            db.TrainingPrograms.Add(program);
            plans.Add(days);
            programIds.Add(program.Id);
        }
        var enrolments = new List<BenchEnrolment>();
        for (var t = 0; t < managers.Count; t++)
        {
            for (var k = 0; k < ProgramsPerTeam; k++)
            {
                var p = (t + k * 7) % Programs;
                var start = today.AddDays(-(73 * (ProgramsPerTeam - 1 - k) + t % 7));
                var enrolment = new ProgramEnrolment
                {
                    OrganisationId = organisationId, ProgramId = programIds[p], ProgramVersion = 1, TeamId = teamIds[t], WholeTeam = true,
                    StartOn = start, Days = plans[p],
                    Pins = plans[p].SelectMany(d => d.ScenarioIds).Distinct().Select(s => new PinnedScenario(s, null)).ToList(),
                    AssignedById = managers[t].Id, CreatedAt = now,
                };
                db.ProgramEnrolments.Add(enrolment);
                enrolments.Add(new BenchEnrolment(enrolment.Id, t, p, start));
            }
        }
        await db.SaveChangesAsync();
        using var connection = Open(host);
        using var zone = connection.CreateCommand();
        zone.CommandText = "UPDATE AspNetUsers SET TimeZone = $zone WHERE Id = $id";
        var zoneParameter = zone.Parameters.Add("$zone", SqliteType.Text);
        var idParameter = zone.Parameters.Add("$id", SqliteType.Text);
        using (var tx = connection.BeginTransaction())
        {
            zone.Transaction = tx;
            for (var i = 0; i < learners.Count; i++)
            {
                zoneParameter.Value = Zones[i % Zones.Length];
                idParameter.Value = learners[i].Id;
                zone.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return (enrolments, plans);
    }

    /// <summary>
    /// Completed sessions, no messages (the program rules read none): for every day of every enrolment a learner
    /// practises its scenarios with chance 0.8 (one in eight a day or two late), then 50 more sessions on random
    /// scenarios over the year. Scores around 70.
    /// </summary>
    private static long WriteSessions(BenchHost host, Guid organisationId, List<ApplicationUser> learners, List<BenchEnrolment> enrolments,
        List<List<ProgramDayPlan>> plans, List<BenchScenario> scenarios)
    {
        var random = new Random(DataSeed + 1);
        var byId = scenarios.ToDictionary(s => s.Id);
        var now = DateTimeOffset.UtcNow;
        using var connection = Open(host);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA cache_size = -262144;";
        pragma.ExecuteNonQuery();
        long count = 0;
        using (var tx = connection.BeginTransaction())
        using (var writer = new RawPracticeWriter(connection, tx, organisationId))
        {
            void Write(string userId, BenchScenario scenario, DateTimeOffset at)
            {
                if (at > now) return;
                var score = (int)Math.Clamp(Math.Round(70 + (random.NextDouble() - 0.5) * 40), 0, 100);
                writer.WriteSession(Guid.NewGuid(), userId, scenario.Id, scenario.Title, scenario.Snapshot, SessionStage.Completed, 1,
                    [PhaseOutcome.Met, PhaseOutcome.Met], score, 50, at.AddMinutes(-15), at, at, 2);
                count++;
            }
            for (var l = 0; l < learners.Count; l++)
            {
                var team = l / TeamSize;
                foreach (var e in enrolments.Where(e => e.Team == team))
                {
                    var days = plans[e.Program];
                    for (var d = 0; d < days.Count; d++)
                    {
                        if (random.NextDouble() >= 0.8) continue;
                        var late = random.NextDouble() < 0.125 ? 1 + random.Next(2) : 0;
                        var at = new DateTimeOffset(e.StartOn.AddDays(d + late).ToDateTime(new TimeOnly(8 + random.Next(10), random.Next(60))), TimeSpan.Zero);
                        foreach (var s in days[d].ScenarioIds) Write(learners[l].Id, byId[s], at.AddMinutes(random.Next(30)));
                    }
                }
                for (var i = 0; i < OtherSessions; i++)
                    Write(learners[l].Id, scenarios[random.Next(scenarios.Count)], now.AddMinutes(-random.Next(365 * 24 * 60)));
                if ((l + 1) % 500 == 0) Log.Info($"sessions of {l + 1}/{learners.Count} learners");
            }
            tx.Commit();
        }
        using var analyse = connection.CreateCommand();
        analyse.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;";
        analyse.ExecuteNonQuery();
        return count;
    }

    private static SqliteConnection Open(BenchHost host)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(host.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}

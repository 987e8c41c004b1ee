using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Bench.Audit;

/// <summary>
/// <c>audit [--rows N] [--keep]</c>: N audit entries (default 1,000,000) over a year in one organisation (plus a tenth as
/// many in a second), skewed the way a real log is: one actor (an importer) writes a third of it, Update is most of the
/// actions and RoleChange or AI settings changes are rare, a few scenarios collect most of the history. Then, as the
/// Admin through <see cref="AuditLogService.PageAsync"/>, a 50-row page for each of the 16 combinations of the four
/// filters (who, action, subject, date range), each with a common and a rare value, first page and a deep page, and
/// prints <c>audit rows=N pages=… p50_ms=… p95_ms=… max_ms=… slowest=…</c>.
/// </summary>
public static class AuditBenchmark
{
    private const int Seed = 20261201, Actors = 60, ScenarioCount = 20_000, PageSize = 50;
    /// <summary>How the app stores a DateTimeOffset (AppDbContext's convention).</summary>
    private static readonly DateTimeOffsetToBinaryConverter AtColumn = new();

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var rows = args.GetInt("rows", 1_000_000, min: 1000, max: 20_000_000);
        var keep = args.HasFlag("keep");
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        var organisationId = await host.CreateOrganisationAsync("Benchmark Org");
        var otherId = await host.CreateOrganisationAsync("Other Org");
        var admin = await host.AddMemberAsync(organisationId, OrgRole.Admin, "Bench Admin");
        var actors = new List<ApplicationUser> { admin };
        for (var i = 1; i < Actors; i++) actors.Add(await host.AddMemberAsync(organisationId, OrgRole.ContentManager, $"Member {i:00}", withPassword: false));

        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var watch = Stopwatch.StartNew();
        await WriteAsync(host, admin, organisationId, actors, rows, start);
        await WriteAsync(host, admin, otherId, actors.Take(1).ToList(), rows / 10, start);
        Log.Info($"wrote {rows + rows / 10} entries in {Log.Seconds(watch.Elapsed)} s; database {new FileInfo(host.DatabasePath).Length / 1048576.0:0} MB");

        await using var scope = await host.AsAsync(admin);
        var audit = scope.ServiceProvider.GetRequiredService<AuditLogService>();
        var heavy = admin.Id;
        var light = actors[^1].Id;
        var cases = Cases(heavy, light, start);

        // One warm-up pass, then the timed one: first page and, where there is one, the page after 20 pages.
        foreach (var c in cases) await audit.PageAsync(c.Filter, null, PageSize, CancellationToken.None);
        var timings = new List<(string Name, double Ms, int Rows)>();
        foreach (var (name, filter) in cases)
        {
            var t = Stopwatch.StartNew();
            var page = await audit.PageAsync(filter, null, PageSize, CancellationToken.None);
            timings.Add((name + " page=1", t.Elapsed.TotalMilliseconds, page.Rows.Count));
            long? before = page.NextBefore;
            for (var i = 0; i < 20 && before is not null; i++) before = (await audit.PageAsync(filter, before, PageSize, CancellationToken.None)).NextBefore;
            if (before is null) continue;
            t.Restart();
            page = await audit.PageAsync(filter, before, PageSize, CancellationToken.None);
            timings.Add((name + " page=22", t.Elapsed.TotalMilliseconds, page.Rows.Count));
        }
        foreach (var (name, ms, count) in timings.OrderByDescending(t => t.Ms).Take(15)) Log.Info($"{Log.Ms(ms),7} ms  {count,3} rows  {name}");
        var all = timings.Select(t => t.Ms).ToList();
        var slowest = timings.MaxBy(t => t.Ms);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"audit rows={rows} pages={timings.Count} p50_ms={Percentile.Of(all, 50):0.0} p95_ms={Percentile.Of(all, 95):0.0} " +
            $"max_ms={slowest.Ms:0.0} slowest=\"{slowest.Name}\""));
        return 0;
    }

    /// <summary>The 144 filter combinations: who × action × subject × date range, each with a common and a rare value.</summary>
    internal static List<(string Name, AuditFilter Filter)> Cases(string heavy, string light, DateTimeOffset start)
    {
        var cases = new List<(string Name, AuditFilter Filter)>();
        foreach (var (actorName, actor) in new[] { ("-", (string?)null), ("heavy", heavy), ("light", light) })
        foreach (var (actionName, actions) in new[] { ("-", (AuditAction[]?)null), ("update", [AuditAction.Update]), ("rare", [AuditAction.AiSettingsChange]),
                     ("two", [AuditAction.RoleChange, AuditAction.Export]) })
        foreach (var (subjectName, kind, id) in new[] { ("-", (string?)null, (string?)null), ("hot", AuditSubjects.Scenario, "1"),
                     ("cold", AuditSubjects.Scenario, "19999"), ("member", AuditSubjects.Member, light) })
        foreach (var (dateName, from, to) in new[] { ("-", (DateTimeOffset?)null, (DateTimeOffset?)null), ("recent", start.AddDays(335), null),
                     ("old-week", start.AddDays(100), start.AddDays(107)) })
        {
            cases.Add(($"actor={actorName} action={actionName} subject={subjectName} dates={dateName}", new AuditFilter(actor, actions, kind, id, from, to)));
        }

        return cases;
    }

    /// <summary>
    /// Raw prepared INSERTs in one transaction, in the exact form EF stores an entry: the first entry goes through
    /// AuditTrail and SaveChanges, and its stored row is the template the raw writer must match.
    /// </summary>
    internal static async Task WriteAsync(BenchHost host, ApplicationUser admin, Guid organisationId, List<ApplicationUser> actors, int count,
        DateTimeOffset start)
    {
        await using (var scope = await host.AsAsync(admin))
        {
            var caller = new Caller(admin.Id, organisationId, admin.Role, admin.DisplayName);
            await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsync(caller);
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Record(db, caller, AuditAction.Update, new AuditSubject(AuditSubjects.Scenario, "1", "S"),
                "template", [new FieldChange("Title", "a", "b")]);
            await db.SaveChangesAsync();
        }
        string template;
        await using (var db = await host.OpenUnfilteredAsync())
        {
            var e = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).FirstAsync();
            template = await db.Database.SqlQueryRaw<string>(
                "SELECT OrganisationId || '|' || Action || '|' || Changes AS Value FROM AuditEntries WHERE Id = {0}", e.Id).SingleAsync();
            if (template != $"{organisationId.ToString().ToUpperInvariant()}|Update|[{{\"field\":\"Title\",\"before\":\"a\",\"after\":\"b\"}}]")
                throw new InvalidOperationException($"EF stores audit entries as {template}: update the raw writer.");
        }

        var random = new Random(Seed + count);
        await using var connection = new SqliteConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO AuditEntries (OrganisationId, At, ActorId, ActorName, Address, Action, SubjectKind, SubjectId, SubjectName, Summary, Changes)
            VALUES ($org, $at, $actor, $actorName, $address, $action, $kind, $id, $name, $summary, $changes)
            """;
        var p = new[] { "$org", "$at", "$actor", "$actorName", "$address", "$action", "$kind", "$id", "$name", "$summary", "$changes" }
            .ToDictionary(n => n, n => insert.Parameters.Add(n, SqliteType.Text));
        p["$at"].SqliteType = SqliteType.Integer;
        p["$org"].Value = organisationId.ToString().ToUpperInvariant();
        var step = TimeSpan.FromDays(365).Ticks / count;
        for (var i = 0; i < count; i++)
        {
            // A third by the importer, the rest Zipf-like over the others.
            var actor = random.NextDouble() < 0.35 ? actors[0] : actors[Math.Min(actors.Count - 1, (int)(1 / (random.NextDouble() + 0.02)))];
            var action = Action(random.NextDouble());
            var (kind, id, name) = Subject(random, actors);
            p["$at"].Value = AtColumn.ConvertToProvider(start.AddTicks(step * i));
            p["$actor"].Value = actor.Id;
            p["$actorName"].Value = actor.DisplayName;
            p["$address"].Value = $"10.0.{random.Next(256)}.{random.Next(256)}";
            p["$action"].Value = action.ToString();
            p["$kind"].Value = kind;
            p["$id"].Value = id;
            p["$name"].Value = name;
            p["$summary"].Value = $"{action} of {name}";
            p["$changes"].Value = "[{\"field\":\"Title\",\"before\":\"Old title\",\"after\":\"New title\"}]";
            await insert.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private static AuditAction Action(double r) => r switch
    {
        < 0.45 => AuditAction.Update,
        < 0.60 => AuditAction.Export,
        < 0.72 => AuditAction.Create,
        < 0.80 => AuditAction.StatusChange,
        < 0.86 => AuditAction.Publish,
        < 0.90 => AuditAction.Submit,
        < 0.93 => AuditAction.Delete,
        < 0.96 => AuditAction.Import,
        < 0.98 => AuditAction.TeamChange,
        < 0.995 => AuditAction.Invitation,
        < 0.998 => AuditAction.RoleChange,
        < 0.9999 => AuditAction.Deactivation,
        _ => AuditAction.AiSettingsChange,
    };

    /// <summary>Mostly scenarios, Zipf-like so scenario 1 collects about 2% of the log; members, teams, reports otherwise.</summary>
    private static (string Kind, string Id, string Name) Subject(Random random, List<ApplicationUser> actors)
    {
        var r = random.NextDouble();
        if (r < 0.80)
        {
            var id = random.NextDouble() < 0.025 ? 1 : 2 + random.Next(ScenarioCount - 2);
            return (AuditSubjects.Scenario, id.ToString(CultureInfo.InvariantCulture), $"Scenario {id}");
        }
        if (r < 0.90)
        {
            var member = actors[random.Next(actors.Count)];
            return (AuditSubjects.Member, member.Id, member.DisplayName);
        }
        if (r < 0.95) return (AuditSubjects.Team, $"team-{random.Next(10)}", $"Team {random.Next(10)}");
        return (AuditSubjects.Report, "team-learners", "Team learners");
    }
}

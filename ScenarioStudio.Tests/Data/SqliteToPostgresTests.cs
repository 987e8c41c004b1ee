using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Data;

/// <summary>
/// Issue 19.6: an install moves from its SQLite file to an empty PostgreSQL database with the documented command, every
/// table copied and compared, and the app works on the copy. Needs a PostgreSQL server: <c>TEST_POSTGRES</c> (.ci/run sets it).
/// </summary>
[Trait("Engine", "Both")]
public sealed class SqliteToPostgresTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> OnSqlite = new() { ["Database:Provider"] = "Sqlite" };
    private readonly TestDatabase source = new() { Settings = OnSqlite };
    private readonly string target = new NpgsqlConnectionStringBuilder(TestEngine.PostgresServer)
    {
        Database = "scenariostudio_copy_" + Guid.NewGuid().ToString("N")[..16],
    }.ToString();

    private string SourceFile => Path.Combine(source.DataDirectory, "scenariostudio.db");

    public Task InitializeAsync() => source.InitializeAsync();

    public async Task DisposeAsync()
    {
        await source.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Database = "postgres", Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(target).Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_install_moves_to_an_empty_PostgreSQL_database_with_every_row_and_keeps_working_there()
    {
        // An install with some life in it: the seeded library, members, a published scenario with accents in its title,
        // a learner's finished session (criterion results and the totals the triggers keep), audit entries.
        var org = await source.CreateOrganisationAsync("Harbour Sales");
        await source.Services.SeedLibraryAsync();
        int scenarioId;
        await using (var creator = await source.AsAsync(org.Admin))
        {
            scenarioId = await creator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Renouvellement à Zürich", phases: 2));
            await creator.Scenarios().Lifecycle.PublishAsync(scenarioId);
            // A reply refers to its thread in the same table (a key the copy checks once the table is complete).
            var comments = creator.Get<ScenarioStudio.Scenarios.Comments.CommentService>();
            await comments.ReplyAsync(await comments.AddAsync(scenarioId, ScenarioStudio.Scenarios.Comments.CommentAnchor.Scenario, "Check the price"), "Done");
        }
        Guid sessionId;
        await using (var learner = await source.AsAsync(org.Learner))
        {
            var practice = learner.Get<PracticeService>();
            sessionId = await practice.StartAsync(scenarioId);
            await practice.CompleteAsync(sessionId, view => view.Scenario.Phases[view.PhaseIndex].IdealResponse);
        }
        var before = await CountsAsync(SourceFile);

        // The documented command (README "Scale-out"), reading the configuration as the app does.
        var exit = await CopyToPostgresCommand.RunAsync(["--from", SourceFile, $"--ConnectionStrings:PostgreSQL={target}"]);
        Assert.Equal(0, exit);

        // Every table of the model has the same rows on both sides, counted here independently of the command.
        var after = await PostgresCountsAsync(before.Keys);
        Assert.Equal(before, after);
        Assert.True(before["Scenarios"] > 10 && before["PracticeSessions"] == 1 && before["CriterionResults"] > 0 && before["AuditEntries"] > 0
            && before["ScenarioComments"] == 2,
            string.Join(", ", before.Select(kv => $"{kv.Key} {kv.Value}")));
        // Ready for its first busy minutes: every copied table vacuumed (visibility map, the search index's pending list
        // merged) and analysed, rather than left to autovacuum.
        Assert.Empty(await NotVacuumedAsync());

        // The app on the copy: members sign in with their passwords, the finished session and its totals are there, search
        // finds the accented title unaccented, and new rows get keys after the copied ones.
        using var copy = new TestDatabase
        {
            Settings = new Dictionary<string, string?> { ["Database:Provider"] = "PostgreSQL", ["ConnectionStrings:PostgreSQL"] = target },
        };
        await copy.InitializeAsync();
        var learnerThere = await copy.ReloadAsync(org.Learner);
        await using (var scope = copy.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CheckPasswordAsync(learnerThere, TestPasswords.Good));
        await using (var learner = await copy.AsAsync(learnerThere))
        {
            var session = await learner.Get<PracticeService>().GetAsync(sessionId);
            Assert.Equal(SessionStage.Completed, session.Stage);
        }
        await using (var db = await copy.OpenUnfilteredAsync())
        await using (var sqlite = await source.OpenUnfilteredAsync())
        {
            Assert.Equal(await sqlite.CriterionTotals.OrderBy(t => t.Criterion).Select(t => new { t.Criterion, t.Total, t.Samples }).ToListAsync(),
                await db.CriterionTotals.OrderBy(t => t.Criterion).Select(t => new { t.Criterion, t.Total, t.Samples }).ToListAsync());
            var copied = await db.PracticeSessions.SingleAsync();
            var original = await sqlite.PracticeSessions.SingleAsync();
            Assert.Equal((original.StartedAt, original.CompletedAt, original.OverallScore, original.Outcomes.Count),
                (copied.StartedAt, copied.CompletedAt, copied.OverallScore, copied.Outcomes.Count));
            Assert.Equal(await db.Scenarios.CountAsync(), await TestEngineSearchRowsAsync(db));
        }
        await using (var admin = await copy.AsAsync(await copy.ReloadAsync(org.Admin)))
        {
            var found = await admin.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery(Search: "zurich renouvellement"));
            Assert.Equal([scenarioId], found.Rows.Select(r => r.Id));
            var next = await admin.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Made after the move"));
            Assert.True(next > before["Scenarios"], $"new scenario id {next}");
        }

        // A second copy into the database, which now holds data, is refused and changes nothing.
        var refused = await Assert.ThrowsAsync<DatabaseCopyException>(() => new SqliteToPostgres(
            new SqliteConnectionStringBuilder { DataSource = SourceFile }.ToString(), target, _ => { }).CopyAsync());
        Assert.Contains("not empty", refused.Message);
        Assert.Equal(before["PracticeSessions"], (await PostgresCountsAsync(["PracticeSessions"]))["PracticeSessions"]);
    }

    [Fact]
    public async Task A_missing_SQLite_file_or_PostgreSQL_connection_is_refused_with_what_to_do()
    {
        var missing = Path.Combine(source.DataDirectory, "nowhere.db");
        var refused = await Assert.ThrowsAsync<DatabaseCopyException>(() =>
            new SqliteToPostgres(new SqliteConnectionStringBuilder { DataSource = missing }.ToString(), target, _ => { }).CopyAsync());
        Assert.Contains(missing, refused.Message);
        Assert.False(File.Exists(missing));
        Assert.Equal(2, await CopyToPostgresCommand.RunAsync(["--from", SourceFile, "--ConnectionStrings:PostgreSQL="]));
    }

    private static Task<int> TestEngineSearchRowsAsync(AppDbContext db) =>
        db.Database.SqlQuery<int>($"""SELECT CAST(COUNT(*) AS integer) AS "Value" FROM "ScenarioSearch" """).SingleAsync();

    /// <summary>Rows per table of the app's model in the SQLite file (its own FTS tables and EF's history aside).</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(string file)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' " +
                               "AND name NOT LIKE '__EFMigrations%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    private async Task<List<string>> NotVacuumedAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NULL OR last_analyze IS NULL ORDER BY relname", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    private async Task<Dictionary<string, long>> PostgresCountsAsync(IEnumerable<string> tables)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ToString());
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }
}

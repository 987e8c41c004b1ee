using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Data;

/// <summary><c>Database:Provider</c> picks the engine once, and the services' SQL follows it.</summary>
public sealed class DatabaseProviderTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("", DatabaseProvider.Sqlite)]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("PostgreSQL", DatabaseProvider.PostgreSQL)]
    [InlineData(" postgresql ", DatabaseProvider.PostgreSQL)]
    public void The_provider_is_read_from_configuration_and_sqlite_is_the_default(string? value, DatabaseProvider expected) =>
        Assert.Equal(expected, DatabaseConfiguration.Provider(Config(("Database:Provider", value))));

    [Theory]
    [InlineData("MySql")]
    [InlineData("2")]
    public void An_unknown_provider_stops_the_start_saying_what_to_write(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseConfiguration.Provider(Config(("Database:Provider", value))));
        Assert.Contains("Database:Provider", error.Message);
        Assert.Contains("PostgreSQL", error.Message);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_stops_the_start_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "scenariostudio-tests", Guid.NewGuid().ToString("N")),
            ["Database:Provider"] = "PostgreSQL",
        });
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddDataStorage());
        Assert.Contains("ConnectionStrings:PostgreSQL", error.Message);
    }

    [Fact]
    public async Task The_app_runs_on_the_configured_engine_with_its_own_migrations()
    {
        using var db = new TestDatabase();
        await db.InitializeAsync();
        await using var context = await db.OpenUnfilteredAsync();
        var expected = TestEngine.IsPostgres ? DatabaseProvider.PostgreSQL : DatabaseProvider.Sqlite;
        Assert.Equal(expected, SqlDialect.Of(context.Database).Provider);
        // Each engine applied its own history: SQLite's many migrations, PostgreSQL's own.
        var applied = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(context.Database);
        // PostgreSQL's history starts at one initial migration (its own, not SQLite's many).
        if (TestEngine.IsPostgres)
            Assert.True(applied.First()[15..] == "InitialPostgres" && !applied.Any(m => m.EndsWith("_SearchRanking", StringComparison.Ordinal)));
        else Assert.Contains(applied, m => m.EndsWith("_SearchRanking", StringComparison.Ordinal));
    }
}

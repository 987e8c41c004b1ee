using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Data;

/// <summary>SQLite's own connection settings: left out of the PostgreSQL pass (<c>Engine!=Sqlite</c>).</summary>
[Trait("Engine", "Sqlite")]
public sealed class SqliteConnectionTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();

    public Task InitializeAsync() => db.InitializeAsync();
    public Task DisposeAsync() => db.DisposeAsync();

    [Fact]
    public async Task Every_connection_waits_for_a_busy_writer_in_sqlites_own_small_steps_and_uses_the_write_ahead_log()
    {
        for (var i = 0; i < 2; i++) // a fresh connection, then one from the pool
        {
            await using var context = await db.OpenUnfilteredAsync();
            await context.Database.OpenConnectionAsync();
            Assert.Equal(30_000L, await context.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync());
            Assert.Equal("wal", await context.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync());
        }
    }
}

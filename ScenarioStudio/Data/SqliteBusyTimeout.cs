using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScenarioStudio.Data;

/// <summary>
/// Sets SQLite's own busy timeout on every connection. SQLite serialises writers; when one waits for another,
/// SQLite's busy handler retries after 1, 2, 5, 10… ms. Without it, Microsoft.Data.Sqlite retries a busy statement
/// after sleeping 150 ms, so a few learners finishing a turn at the same moment waited a sixth of a second each.
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection); // SQLite has no asynchronous I/O: the async path would run synchronously anyway
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds};";
        command.ExecuteNonQuery();
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// The SQL a <see cref="TestDatabase"/> runs while a capture is open, with the rows each reader returned: tests prove
/// that a query is bounded (reads at most N rows, whatever the data holds) or that a screen takes one query, not twelve.
/// Registered on every test database; it records nothing while no capture is open.
/// </summary>
public sealed class SqlLog : DbCommandInterceptor
{
    private volatile SqlCapture? capture;

    /// <summary>Records every command from now until the returned capture is disposed.</summary>
    public SqlCapture Capture() => capture = new SqlCapture(() => capture = null);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        capture?.Executed(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        capture?.Executed(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        capture?.Executed(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        capture?.Executed(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        capture?.Executed(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        capture?.Executed(command.CommandText);
        return ValueTask.FromResult(result);
    }

    // EF disposes every reader it opens; ReadCount counts the calls to Read, so it is the rows returned plus the
    // last call that found none (when the reader was read to its end). A batch of inserts returns the keys it generated
    // (one reader for the batch on PostgreSQL): that is writing, not reading data.
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (command.CommandText.StartsWith("INSERT ", StringComparison.Ordinal)) return result;
        capture?.Read(command.CommandText, eventData.ReadCount);
        return result;
    }
}

public sealed class SqlCapture(Action close) : IDisposable
{
    private readonly ConcurrentQueue<string> commands = new();
    private readonly ConcurrentQueue<(string Sql, int Rows)> reads = new();

    /// <summary>Every command's SQL, in the order they ran.</summary>
    public IReadOnlyList<string> Commands => [.. commands];

    /// <summary>Each reader's SQL and its calls to Read: the rows it returned, plus one when it was read to its end.</summary>
    public IReadOnlyList<(string Sql, int Rows)> Reads => [.. reads];

    public int MaxRowsRead => reads.IsEmpty ? 0 : reads.Max(r => r.Rows);

    internal void Executed(string sql) => commands.Enqueue(sql);

    internal void Read(string sql, int readCount) => reads.Enqueue((sql, readCount));

    /// <summary>For a failure message: the commands that read the most rows.</summary>
    public string Describe() => string.Join("\n---\n", reads.OrderByDescending(r => r.Rows).Take(3).Select(r => $"{r.Rows} rows: {r.Sql}"));

    public void Dispose() => close();
}

using System.Collections.Concurrent;
using ScenarioStudio.ScaleOut;
using StackExchange.Redis;

namespace ScenarioStudio.Practice;

/// <summary>At most one live AI stream per practice session, whichever tab, circuit or node asks. A singleton.</summary>
public interface ILiveAiTurns
{
    /// <summary>Claims the session's stream; null when another tab (or node) already streams it. Disposing releases it.</summary>
    Task<IAsyncDisposable?> TryClaimAsync(Guid sessionId, CancellationToken ct = default);
}

/// <summary>One node: the claims live in this process.</summary>
public sealed class InProcessLiveAiTurns : ILiveAiTurns
{
    private readonly ConcurrentDictionary<Guid, byte> live = new();

    public Task<IAsyncDisposable?> TryClaimAsync(Guid sessionId, CancellationToken ct = default) =>
        Task.FromResult<IAsyncDisposable?>(live.TryAdd(sessionId, 0) ? new Claim(() => live.TryRemove(sessionId, out _)) : null);

    private sealed class Claim(Action release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            release();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// Several nodes: a claim is a Redis key per session holding this claim's random token, set only if absent, with an
/// expiry that the claim renews while it streams (every third of <see cref="ScaleOutOptions.StreamClaimSeconds"/>)
/// and deleted on dispose if it still holds the token. A node that dies mid-stream stops renewing, so its key
/// expires and the session can be streamed again on another node after at most that long.
/// </summary>
public sealed class RedisLiveAiTurns(IConnectionMultiplexer redis, ScaleOutNode node, Microsoft.Extensions.Options.IOptions<ScaleOutOptions> options,
    ILogger<RedisLiveAiTurns> log) : ILiveAiTurns
{
    public async Task<IAsyncDisposable?> TryClaimAsync(Guid sessionId, CancellationToken ct = default)
    {
        var key = (RedisKey)$"{node.Prefix}stream:{sessionId:N}";
        var token = (RedisValue)Guid.NewGuid().ToString("N");
        var expiry = TimeSpan.FromSeconds(Math.Max(1, options.Value.StreamClaimSeconds));
        var db = redis.GetDatabase();
        try
        {
            if (!await db.LockTakeAsync(key, token, expiry)) return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Without the claim two nodes could answer at once: refuse the turn, which the learner can retry.
            log.LogError(ex, "Claiming the stream {Key} in Redis failed.", key);
            throw new AiProviderException("The reply could not start: the servers cannot reach each other for a moment. Retry.", ex);
        }
        return new Claim(db, key, token, expiry, log);
    }

    private sealed class Claim : IAsyncDisposable
    {
        private readonly IDatabase db;
        private readonly RedisKey key;
        private readonly RedisValue token;
        private readonly CancellationTokenSource stop = new();
        private readonly Task renewing;
        private readonly ILogger log;

        public Claim(IDatabase db, RedisKey key, RedisValue token, TimeSpan expiry, ILogger log)
        {
            (this.db, this.key, this.token, this.log) = (db, key, token, log);
            renewing = RenewAsync(expiry, log);
        }

        private async Task RenewAsync(TimeSpan expiry, ILogger log)
        {
            using var timer = new PeriodicTimer(expiry / 3);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    if (!await db.LockExtendAsync(key, token, expiry))
                        log.LogWarning("The stream claim {Key} expired before it was renewed; another node may stream the session.", key);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                // Redis unreachable: the claim lapses at its expiry, which only lets another node stream the session too.
                log.LogWarning(ex, "Renewing the stream claim {Key} failed.", key);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewing;
            stop.Dispose();
            try
            {
                await db.LockReleaseAsync(key, token);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The turn is saved already; the claim lapses at its expiry.
                log.LogWarning(ex, "Releasing the stream claim {Key} failed.", key);
            }
        }
    }
}

/// <summary>
/// The end of each AI turn is saved one at a time per node. A singleton.
/// </summary>
public interface ITurnSaveGate
{
    Task<T> RunAsync<T>(Func<Task<T>> save);
}

/// <summary>
/// The database (SQLite) takes one writer at a time and a waiting writer blocks its thread, while waiting here is
/// asynchronous, so when many learners' turns end together the threads stay free for their pages (the streaming
/// benchmark ends 25 turns in the same instant). It protects this process's threads, not the data (each save is its
/// own transaction), so it stays in-process when there are several nodes: each node queues its own saves.
/// </summary>
public sealed class InProcessTurnSaveGate : ITurnSaveGate, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> save)
    {
        await gate.WaitAsync();
        try
        {
            return await save();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Ai;

/// <summary>
/// Deletes the AI calls that no limit counts any more: those older than <see cref="AiGate.LongestWindow"/>. Without it
/// AiCalls grows by every call ever made. <see cref="AiGate"/> asks for a prune each time it records a call, and it
/// runs at most once per <see cref="Interval"/> per process, so the table holds about one window of calls, a prune
/// deletes about ten minutes' worth through the index on At, and nothing runs while nobody uses AI (then nothing grows).
/// </summary>
public sealed class AiCallPruning(TenantDb tenantDb, TimeProvider clock, ILogger<AiCallPruning> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    /// <summary>Rows per DELETE: each is a short write, so practice saves queue behind it for milliseconds only.</summary>
    public const int Batch = 5_000;
    /// <summary>A backlog (the first prune after an upgrade) is worked off over several runs instead of in one call.</summary>
    public const int MaxBatchesPerRun = 20;

    private long nextRunUtcTicks;

    /// <summary>Prunes if the last prune of this process is <see cref="Interval"/> old; returns the rows deleted.</summary>
    public async Task<int> PruneIfDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = Interlocked.Read(ref nextRunUtcTicks);
        // One caller wins the run; the others carry on at once.
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextRunUtcTicks, (now + Interval).UtcTicks, due) != due) return 0;
        try
        {
            return await PruneAsync(now, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The call that triggered the prune must not fail for it; the next run tries again.
            logger.LogWarning(ex, "Pruning old AI calls failed.");
            return 0;
        }
    }

    public async Task<int> PruneAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - AiGate.LongestWindow;
        // Every organisation's old calls: the system's work, not a caller's.
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var deleted = 0;
        for (var i = 0; i < MaxBatchesPerRun; i++)
        {
            var rows = await db.AiCalls.Where(c => c.At <= cutoff).OrderBy(c => c.At).Take(Batch).ExecuteDeleteAsync(ct);
            deleted += rows;
            if (rows < Batch) break;
        }
        return deleted;
    }
}

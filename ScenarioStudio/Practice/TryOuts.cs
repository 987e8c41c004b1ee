using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Practice;

public static class PracticeQueries
{
    /// <summary>
    /// The sessions that count: everything but try-outs. XP, streaks, dashboards, analytics, assignments and learners'
    /// lists read sessions through this; the covering indexes end with IsTryOut, so the filter costs no row reads.
    /// </summary>
    public static IQueryable<PracticeSession> Counted(this IQueryable<PracticeSession> sessions) => sessions.Where(s => !s.IsTryOut);
}

/// <summary>
/// Deletes try-outs older than <see cref="KeepFor"/>, once an hour (and at start-up), a batch at a time through the
/// filtered index that holds only try-outs, so a run that finds nothing costs one index probe.
/// </summary>
public sealed class TryOuts(TenantDb tenantDb, TimeProvider clock, ILogger<TryOuts> logger) : BackgroundService
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);
    public const int Batch = 500;

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - KeepFor;
        // Every organisation's old try-outs: the system's work, not a caller's. Messages go with their session.
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var deleted = 0;
        while (true)
        {
            var ids = await db.PracticeSessions.Where(s => s.IsTryOut && s.StartedAt < cutoff).OrderBy(s => s.StartedAt).Select(s => s.Id)
                .Take(Batch).ToListAsync(ct);
            if (ids.Count == 0) return deleted;
            deleted += await db.PracticeSessions.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var deleted = await PruneAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} try-outs older than {Days} days.", deleted, KeepFor.TotalDays);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Deleting old try-outs failed; the next run tries again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Progress;

/// <summary>
/// Averages per rubric criterion over the coach's scores, aggregated in SQL: for a set of learners from their running
/// totals (CriterionTotals), for a scenario or a set of sessions from the CriterionResults rows (one per criterion of
/// every kept assessment) through covering indexes. The caller's organisation is always in the query.
/// </summary>
public static class CriterionStats
{
    /// <summary>Over everything these learners were scored on; "UserId IN (…)" seeks the totals once per learner.</summary>
    public static async Task<IReadOnlyList<CriterionAverage>> ForLearnersAsync(AppDbContext db, Guid organisationId, IQueryable<string> learners,
        CancellationToken ct)
    {
        var totals = await db.CriterionTotals.AsNoTracking()
            .Where(t => t.OrganisationId == organisationId && t.Samples > 0 && learners.Contains(t.UserId))
            .GroupBy(t => t.Criterion)
            .Select(g => new { Name = g.Key, Total = g.Sum(t => t.Total), Samples = g.Sum(t => t.Samples) })
            .ToListAsync(ct);
        return Ordered(totals.Select(t => new CriterionAverage(t.Name, Scores.Round((double)t.Total / t.Samples), t.Samples)));
    }

    public static Task<IReadOnlyList<CriterionAverage>> ForScenarioAsync(AppDbContext db, Guid organisationId, int scenarioId, CancellationToken ct) =>
        AverageAsync(db.CriterionResults.Where(r => r.OrganisationId == organisationId && r.ScenarioId == scenarioId), ct);

    /// <summary>Over some of a scenario's sessions (one version's).</summary>
    public static Task<IReadOnlyList<CriterionAverage>> ForScenarioSessionsAsync(AppDbContext db, Guid organisationId, int scenarioId,
        IQueryable<Guid> sessionIds, CancellationToken ct) =>
        AverageAsync(db.CriterionResults.Where(r => r.OrganisationId == organisationId && r.ScenarioId == scenarioId && sessionIds.Contains(r.SessionId)), ct);

    /// <summary>
    /// Over some of one learner's sessions. The learner is in the query so SQLite seeks the (OrganisationId, UserId, …)
    /// index to that learner's rows; filtering on the session ids alone walked every row of the organisation.
    /// </summary>
    public static Task<IReadOnlyList<CriterionAverage>> ForLearnerSessionsAsync(AppDbContext db, Guid organisationId, string userId,
        IReadOnlyCollection<Guid> sessionIds, CancellationToken ct) =>
        AverageAsync(db.CriterionResults.Where(r => r.OrganisationId == organisationId && r.UserId == userId && sessionIds.Contains(r.SessionId)), ct);

    private static async Task<IReadOnlyList<CriterionAverage>> AverageAsync(IQueryable<CriterionResult> results, CancellationToken ct)
    {
        var rows = await results.AsNoTracking().GroupBy(r => r.Criterion)
            .Select(g => new { Name = g.Key, Average = g.Average(r => (double)r.Score), Samples = g.Count() })
            .ToListAsync(ct);
        return Ordered(rows.Select(r => new CriterionAverage(r.Name, Scores.Round(r.Average), r.Samples)));
    }

    private static IReadOnlyList<CriterionAverage> Ordered(IEnumerable<CriterionAverage> averages) => averages.OrderByDescending(c => c.Average).ToList();
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Progress;

/// <summary>Which sessions' assessments to average.</summary>
public enum CriterionScope { AllSessions, ActiveLearners, ManagersTeams }

/// <summary>
/// Averages per rubric criterion over the coach's scores, aggregated in SQL: for teams from the per-learner running
/// totals (CriterionTotals), for one scenario from the CriterionResults rows (one per criterion of every kept
/// assessment) through a covering index. The caller's organisation is always in the query.
/// </summary>
public static class CriterionStats
{
    public static async Task<IReadOnlyList<CriterionAverage>> AverageAsync(AppDbContext db, Caller caller, CriterionScope scope, int? scenarioId, CancellationToken ct)
    {
        var results = db.CriterionResults.AsNoTracking().Where(r => r.OrganisationId == caller.OrganisationId);
        if (scenarioId is { } id) results = results.Where(r => r.ScenarioId == id);
        // "UserId IN (…)" lets SQLite seek the (OrganisationId, UserId, Criterion, Score) index once per learner.
        var learners = scope switch
        {
            CriterionScope.ActiveLearners => db.Users.Where(u => u.OrganisationId == caller.OrganisationId && u.Role == OrgRole.Learner && u.IsActive)
                .Select(u => u.Id),
            CriterionScope.ManagersTeams => db.TeamMembers.Where(m => m.Team!.OrganisationId == caller.OrganisationId && m.Team.ManagerId == caller.UserId)
                .Select(m => m.UserId),
            _ => null,
        };
        if (learners is not null && scenarioId is null)
        {
            // Whole teams: the per-learner running totals, one row per learner and criterion.
            var totals = await db.CriterionTotals.AsNoTracking()
                .Where(t => t.OrganisationId == caller.OrganisationId && t.Samples > 0 && learners.Contains(t.UserId))
                .GroupBy(t => t.Criterion)
                .Select(g => new { Name = g.Key, Total = g.Sum(t => t.Total), Samples = g.Sum(t => t.Samples) })
                .ToListAsync(ct);
            return totals.Select(t => new CriterionAverage(t.Name, (int)Math.Round((double)t.Total / t.Samples), t.Samples))
                .OrderByDescending(c => c.Average).ToList();
        }
        if (learners is not null) results = results.Where(r => learners.Contains(r.UserId));
        var rows = await results.GroupBy(r => r.Criterion)
            .Select(g => new { Name = g.Key, Average = g.Average(r => (double)r.Score), Samples = g.Count() })
            .ToListAsync(ct);
        return rows.Select(r => new CriterionAverage(r.Name, (int)Math.Round(r.Average), r.Samples)).OrderByDescending(c => c.Average).ToList();
    }
}

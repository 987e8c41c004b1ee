using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Progress;

/// <summary>Which sessions' assessments to average.</summary>
public enum CriterionScope { AllSessions, ActiveLearners, ManagersTeams }

/// <summary>
/// Averages per rubric criterion over the coach's scores, aggregated in SQL from the CriterionResults rows (one per
/// criterion of every kept assessment) through covering indexes. The caller's organisation is always in the query.
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
        if (learners is not null) results = results.Where(r => learners.Contains(r.UserId));
        var rows = await results.GroupBy(r => r.Criterion)
            .Select(g => new { Name = g.Key, Average = g.Average(r => (double)r.Score), Samples = g.Count() })
            .ToListAsync(ct);
        return rows.Select(r => new CriterionAverage(r.Name, (int)Math.Round(r.Average), r.Samples)).OrderByDescending(c => c.Average).ToList();
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Progress;

/// <summary>Which sessions' assessments to average.</summary>
public enum CriterionScope { AllSessions = 0, ActiveLearners = 1, ManagersTeams = 2 }

/// <summary>
/// Averages per rubric criterion over the coach's stored assessments (a JSON column), aggregated in SQL with
/// SQLite's json_each. The caller's organisation is always part of the query.
/// </summary>
public static class CriterionStats
{
    private sealed record Row(string Name, double Average, int Samples);

    public static async Task<IReadOnlyList<CriterionAverage>> AverageAsync(AppDbContext db, Caller caller, CriterionScope scope, int? scenarioId, CancellationToken ct)
    {
        var org = caller.OrganisationId.ToString().ToUpperInvariant();
        var scopeValue = (int)scope;
        var rows = await db.Database.SqlQuery<Row>($"""
            SELECT json_extract(c.value, '$.name') AS Name, AVG(json_extract(c.value, '$.score')) AS Average, COUNT(*) AS Samples
            FROM PracticeMessages m
            JOIN PracticeSessions s ON s.Id = m.SessionId
            JOIN json_each(m.Assessment, '$.criteria') c
            WHERE s.OrganisationId = {org} AND m.Stopped = 0 AND m.Assessment IS NOT NULL
              AND ({scenarioId} IS NULL OR s.ScenarioId = {scenarioId})
              AND ({scopeValue} = 0 OR s.UserId IN (
                SELECT Id FROM AspNetUsers WHERE {scopeValue} = 1 AND OrganisationId = {org} AND Role = 'Learner' AND IsActive = 1
                UNION
                SELECT tm.UserId FROM TeamMembers tm JOIN Teams t ON t.Id = tm.TeamId
                WHERE {scopeValue} = 2 AND t.OrganisationId = {org} AND t.ManagerId = {caller.UserId}))
            GROUP BY json_extract(c.value, '$.name')
            """).ToListAsync(ct);
        return rows.Select(r => new CriterionAverage(r.Name, (int)Math.Round(r.Average), r.Samples)).OrderByDescending(c => c.Average).ToList();
    }
}

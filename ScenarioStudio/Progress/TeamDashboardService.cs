using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Progress;

public sealed record LearnerSummary(string LearnerId, string Name, int Started, int Completed, int? AverageScore, int? FirstScore,
    int? LatestScore, int Xp, DateTimeOffset? LastPractised);

public sealed record ScenarioSummary(int ScenarioId, string Title, int Attempts, int Completed, int? AverageScore);

public sealed record TeamDashboard(IReadOnlyList<LearnerSummary> Learners, IReadOnlyList<ScenarioSummary> Scenarios,
    IReadOnlyList<LearnerSummary> Inactive, int CompletionPercent, int? AverageScore, int InactiveDays, IReadOnlyList<CriterionAverage> Criteria);

/// <summary>
/// The manager's view: learners of the teams they lead (Admins: every learner of the organisation), aggregated in SQL.
/// </summary>
public sealed class TeamDashboardService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock)
{
    public async Task<TeamDashboard> GetAsync(int inactiveDays = 7, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        if (inactiveDays is < 1 or > 365) throw new ValidationFailedException("InactiveDays", "Choose 1 to 365 days.");
        await using var db = await tenantDb.OpenAsync(caller, ct);

        var people = caller.Role == OrgRole.Admin
            ? db.Users.Where(u => u.IsActive && u.Role == OrgRole.Learner).Select(u => u.Id)
            : db.TeamMembers.Where(m => m.Team!.ManagerId == caller.UserId && m.User!.IsActive).Select(m => m.UserId).Distinct();
        var sessions = db.PracticeSessions.Where(s => people.Contains(s.UserId));
        var done = sessions.Where(s => s.CompletedAt != null);

        var learners = await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new LearnerSummary(u.Id, u.DisplayName,
                sessions.Count(s => s.UserId == u.Id),
                done.Count(s => s.UserId == u.Id),
                (int?)Math.Round(done.Where(s => s.UserId == u.Id).Average(s => (double?)s.OverallScore) ?? -1),
                done.Where(s => s.UserId == u.Id).OrderBy(s => s.CompletedAt).Select(s => s.OverallScore).FirstOrDefault(),
                done.Where(s => s.UserId == u.Id).OrderByDescending(s => s.CompletedAt).Select(s => s.OverallScore).FirstOrDefault(),
                done.Where(s => s.UserId == u.Id).Sum(s => s.XpEarned),
                sessions.Where(s => s.UserId == u.Id).Max(s => (DateTimeOffset?)s.UpdatedAt)))
            .ToListAsync(ct);
        learners = learners.Select(l => l.AverageScore < 0 ? l with { AverageScore = null } : l).ToList();

        var scenarios = (await sessions.GroupBy(s => new { s.ScenarioId, s.ScenarioTitle })
                .Select(g => new { g.Key.ScenarioId, g.Key.ScenarioTitle, Attempts = g.Count(), Completed = g.Count(s => s.CompletedAt != null), Average = g.Average(s => (double?)s.OverallScore) })
                .OrderByDescending(g => g.Attempts).ThenBy(g => g.ScenarioTitle).ToListAsync(ct))
            .Select(g => new ScenarioSummary(g.ScenarioId, g.ScenarioTitle, g.Attempts, g.Completed, g.Average is { } a ? (int)Math.Round(a) : null)).ToList();

        var cutoff = clock.GetUtcNow().AddDays(-inactiveDays);
        var inactive = learners.Where(l => l.LastPractised is null || l.LastPractised < cutoff).ToList();
        var started = learners.Sum(l => l.Started);
        var completed = learners.Sum(l => l.Completed);
        var average = await done.AverageAsync(s => (double?)s.OverallScore, ct) is { } a ? (int?)Math.Round(a) : null;
        var criteria = await CriterionStats.AverageAsync(db, caller,
            caller.Role == OrgRole.Admin ? CriterionScope.ActiveLearners : CriterionScope.ManagersTeams, scenarioId: null, ct);

        return new TeamDashboard(learners, scenarios, inactive, started == 0 ? 0 : (int)Math.Round(100.0 * completed / started), average, inactiveDays,
            criteria);
    }

    public static ExportTable LearnersTable(TeamDashboard d) => new("Learners",
        [new("Learner"), new("Sessions started", ColumnKind.Number), new("Sessions completed", ColumnKind.Number), new("Average score", ColumnKind.Number),
         new("First score", ColumnKind.Number), new("Latest score", ColumnKind.Number), new("XP", ColumnKind.Number), new("Last practised", ColumnKind.Date)],
        d.Learners.Select(l => new object?[] { l.Name, l.Started, l.Completed, l.AverageScore, l.FirstScore, l.LatestScore, l.Xp, l.LastPractised }).ToList());

    public static ExportTable ScenariosTable(TeamDashboard d) => new("Scenarios",
        [new("Scenario"), new("Attempts", ColumnKind.Number), new("Completed", ColumnKind.Number), new("Average score", ColumnKind.Number)],
        d.Scenarios.Select(s => new object?[] { s.Title, s.Attempts, s.Completed, s.AverageScore }).ToList());
}

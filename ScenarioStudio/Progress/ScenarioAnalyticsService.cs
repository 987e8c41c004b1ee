using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Progress;

public sealed record PhaseAnalytics(int Index, string Name, int Reached, int StoppedHere, int Missed, double AverageTurns);

public sealed record ScenarioAnalytics(int ScenarioId, string Title, int Attempts, int Completed, int CompletionPercent, int? AverageScore,
    IReadOnlyList<CriterionAverage> Criteria, IReadOnlyList<PhaseAnalytics> Phases)
{
    /// <summary>The phase where most learners stop or miss the objective, if any do.</summary>
    public PhaseAnalytics? Hardest => Phases.Where(p => p.StoppedHere + p.Missed > 0).OrderByDescending(p => p.StoppedHere + p.Missed).FirstOrDefault();
}

/// <summary>How one scenario performs, for its creator and Admins. Counts and averages are computed in SQL.</summary>
public sealed class ScenarioAnalyticsService(CurrentUser currentUser, TenantDb tenantDb)
{
    public async Task<ScenarioAnalytics> GetAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.Scenarios.AsNoTracking().Include(s => s.Phases).SingleOrDefaultAsync(s => s.Id == scenarioId, ct)
            ?? throw new ForbiddenException("This scenario does not exist in your organisation.");
        if (!ScenarioAccess.ActionsFor(caller, scenario).CanSeeAnalytics)
            throw new ForbiddenException("Scenario analytics are for the scenario's creator and Admins.");

        var sessions = db.PracticeSessions.Where(s => s.ScenarioId == scenarioId);
        var attempts = await sessions.CountAsync(ct);
        var completed = await sessions.CountAsync(s => s.CompletedAt != null, ct);
        var average = await sessions.AverageAsync(s => (double?)s.OverallScore, ct);

        var criteria = await CriterionStats.ForScenarioAsync(db, caller.OrganisationId, scenarioId, ct);

        var stopped = await sessions.Where(s => s.CompletedAt == null).GroupBy(s => s.PhaseIndex)
            .Select(g => new { Phase = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Phase, g => g.Count, ct);
        var reachedFrom = await sessions.GroupBy(s => s.CompletedAt != null ? int.MaxValue : s.PhaseIndex)
            .Select(g => new { Furthest = g.Key, Count = g.Count() }).ToListAsync(ct);
        var answers = await db.PracticeMessages.Where(m => sessions.Select(s => s.Id).Contains(m.SessionId) && m.Kind == MessageKind.Answer)
            .GroupBy(m => m.PhaseIndex).Select(g => new { Phase = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Phase, g => g.Count, ct);
        // Outcomes are a small JSON list per session; read only that column.
        var outcomes = await sessions.Select(s => s.Outcomes).ToListAsync(ct);

        var phases = scenario.Phases.OrderBy(p => p.Order).Select((p, i) =>
        {
            var reached = reachedFrom.Where(r => r.Furthest >= i).Sum(r => r.Count);
            return new PhaseAnalytics(i, p.Name, reached, stopped.GetValueOrDefault(i), outcomes.Count(o => o.ElementAtOrDefault(i) == PhaseOutcome.Missed),
                reached == 0 ? 0 : Math.Round(answers.GetValueOrDefault(i) / (double)reached, 1));
        }).ToList();

        return new ScenarioAnalytics(scenario.Id, scenario.Title, attempts, completed, attempts == 0 ? 0 : (int)Math.Round(100.0 * completed / attempts),
            average is { } a ? (int)Math.Round(a) : null,
            criteria, phases);
    }

    public static ExportTable PhasesTable(ScenarioAnalytics a) => new("Phases",
        [new("Phase", ColumnKind.Number), new("Name"), new("Reached", ColumnKind.Number), new("Stopped here", ColumnKind.Number),
         new("Objective missed", ColumnKind.Number), new("Average answers", ColumnKind.Number)],
        a.Phases.Select(p => new object?[] { p.Index + 1, p.Name, p.Reached, p.StoppedHere, p.Missed, p.AverageTurns }));
}

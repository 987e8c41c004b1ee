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

        // The explicit organisation lets SQLite seek IX_PracticeSessions_Analytics (the tenant filter alone is an OR it
        // cannot seek with); that index covers every column read below, so no query reads a session's snapshot.
        var sessions = db.PracticeSessions.Where(s => s.OrganisationId == caller.OrganisationId && s.ScenarioId == scenarioId);
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
        var missed = await MissedByPhaseAsync(db, caller.OrganisationId, scenarioId, ct);

        var phases = scenario.Phases.OrderBy(p => p.Order).Select((p, i) =>
        {
            var reached = reachedFrom.Where(r => r.Furthest >= i).Sum(r => r.Count);
            return new PhaseAnalytics(i, p.Name, reached, stopped.GetValueOrDefault(i), missed.GetValueOrDefault(i),
                reached == 0 ? 0 : Math.Round(answers.GetValueOrDefault(i) / (double)reached, 1, MidpointRounding.AwayFromZero));
        }).ToList();

        return new ScenarioAnalytics(scenario.Id, scenario.Title, attempts, completed, attempts == 0 ? 0 : Scores.Round(100.0 * completed / attempts),
            average is { } a ? Scores.Round(a) : null,
            criteria, phases);
    }

    /// <summary>
    /// How many sessions missed each phase's objective, counted inside SQLite. A session's outcomes are one small JSON
    /// array in its row (["met","missed",…], ScenarioJson's names; the array index is the phase), so json_each turns
    /// each array into rows and GROUP BY counts them: one row per phase comes back however many sessions there are,
    /// and the arrays are read from IX_PracticeSessions_Analytics, not from the session rows. Simpler than keeping
    /// per-phase counters in step with every answer, and 100,000 sessions are a scan of about 100,000 short index entries.
    /// </summary>
    private static async Task<Dictionary<int, int>> MissedByPhaseAsync(AppDbContext db, Guid organisationId, int scenarioId, CancellationToken ct)
    {
        var missed = ScenarioJson.Serialize(PhaseOutcome.Missed).Trim('"');
        var rows = await db.Database.SqlQuery<PhaseCount>($"""
            SELECT CAST(o."key" AS INTEGER) AS "Phase", COUNT(*) AS "Count"
            FROM "PracticeSessions" AS s, json_each(s."Outcomes") AS o
            WHERE s."OrganisationId" = {organisationId} AND s."ScenarioId" = {scenarioId} AND o."value" = {missed}
            GROUP BY o."key"
            """).ToListAsync(ct);
        return rows.ToDictionary(r => r.Phase, r => r.Count);
    }

    private sealed class PhaseCount
    {
        public int Phase { get; init; }
        public int Count { get; init; }
    }

    public static ExportTable PhasesTable(ScenarioAnalytics a) => new("Phases",
        [new("Phase", ColumnKind.Number), new("Name"), new("Reached", ColumnKind.Number), new("Stopped here", ColumnKind.Number),
         new("Objective missed", ColumnKind.Number), new("Average answers", ColumnKind.Number)],
        a.Phases.Select(p => new object?[] { p.Index + 1, p.Name, p.Reached, p.StoppedHere, p.Missed, p.AverageTurns }));
}

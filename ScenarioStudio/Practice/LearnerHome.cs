using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

/// <summary>A session the learner started and has not finished.</summary>
public sealed record UnfinishedSession(Guid Id, int ScenarioId, string ScenarioTitle, int Phase, int Phases, DateTimeOffset UpdatedAt);

/// <summary>One scenario worth practising next, with the reason in the learner's terms.</summary>
public sealed record SuggestedScenario(int Id, string Title, ScenarioDomain Domain, Difficulty Difficulty, int EstimatedMinutes, string Reason);

/// <summary>What the learner's pages offer beside their assignments: where they left off and what to try next.</summary>
public sealed class LearnerHome(CurrentUser currentUser, TenantDb tenantDb)
{
    /// <summary>The most recently touched unfinished session, of any scenario or of one.</summary>
    public async Task<UnfinishedSession?> UnfinishedAsync(int? scenarioId = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var mine = db.PracticeSessions.AsNoTracking().Counted().Where(s => s.UserId == caller.UserId && s.CompletedAt == null);
        if (scenarioId is { } id) mine = mine.Where(s => s.ScenarioId == id);
        var row = await mine.OrderByDescending(s => s.UpdatedAt)
            .Select(s => new { s.Id, s.ScenarioId, s.ScenarioTitle, s.PhaseIndex, s.Outcomes, s.UpdatedAt })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : new UnfinishedSession(row.Id, row.ScenarioId, row.ScenarioTitle, row.PhaseIndex + 1, row.Outcomes.Count, row.UpdatedAt);
    }

    /// <summary>
    /// One scenario to try next, leaving out those already on the learner's list (assigned or unfinished): the newest
    /// published one they have never practised, otherwise the one where their best finished score is lowest.
    /// </summary>
    public async Task<SuggestedScenario?> SuggestAsync(IReadOnlyCollection<int> leaveOut, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var mine = db.PracticeSessions.Counted().Where(s => s.UserId == caller.UserId);
        var candidates = db.Scenarios.AsNoTracking().PractisableBy(caller).Where(s => !leaveOut.Contains(s.Id));

        var fresh = await candidates.Where(s => !mine.Any(p => p.ScenarioId == s.Id))
            .OrderByDescending(s => s.PublishedAt).ThenByDescending(s => s.Id)
            .Select(s => new SuggestedScenario(s.Id, s.Title, s.Domain, s.Difficulty, s.EstimatedMinutes, "New to you"))
            .FirstOrDefaultAsync(ct);
        if (fresh is not null) return fresh;

        var weakest = await candidates
            .Select(s => new
            {
                s.Id, s.Title, s.Domain, s.Difficulty, s.EstimatedMinutes,
                Best = mine.Where(p => p.ScenarioId == s.Id && p.CompletedAt != null).Max(p => p.OverallScore),
            })
            .Where(s => s.Best != null)
            .OrderBy(s => s.Best).ThenBy(s => s.Id)
            .FirstOrDefaultAsync(ct);
        return weakest is null ? null
            : new SuggestedScenario(weakest.Id, weakest.Title, weakest.Domain, weakest.Difficulty, weakest.EstimatedMinutes,
                $"Your best so far is {weakest.Best}/100: worth another go");
    }
}

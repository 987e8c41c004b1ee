using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Practice;

public sealed record SessionRow(Guid Id, int ScenarioId, string ScenarioTitle, string LearnerName, SessionStage Stage,
    int PhaseCount, int PhasesMet, int? OverallScore, int XpEarned, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

/// <summary>Practice history: a learner's own sessions, and a learner's sessions for those who follow them.</summary>
public sealed class SessionHistory(CurrentUser currentUser, TenantDb tenantDb)
{
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<SessionRow>> ListMineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await ListAsync(db, caller.UserId, ct);
    }

    /// <summary>A learner's history for their managers (teams they lead) and Admins.</summary>
    public async Task<IReadOnlyList<SessionRow>> ListForLearnerAsync(string learnerId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        if (!await db.FollowsAsync(caller, learnerId, ct)) throw new ForbiddenException("This learner is not in a team you manage.");
        return await ListAsync(db, learnerId, ct);
    }

    private static async Task<IReadOnlyList<SessionRow>> ListAsync(AppDbContext db, string userId, CancellationToken ct)
    {
        var rows = await db.PracticeSessions.AsNoTracking().Counted().Where(s => s.UserId == userId).OrderByDescending(s => s.StartedAt).Take(MaxRows)
            .Select(s => new { s.Id, s.ScenarioId, s.ScenarioTitle, s.Stage, s.Outcomes, s.OverallScore, s.XpEarned, s.StartedAt, s.CompletedAt })
            .ToListAsync(ct);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";
        return rows.Select(s => new SessionRow(s.Id, s.ScenarioId, s.ScenarioTitle, name, s.Stage, s.Outcomes.Count,
            s.Outcomes.Count(o => o == PhaseOutcome.Met), s.OverallScore, s.XpEarned, s.StartedAt, s.CompletedAt)).ToList();
    }
}

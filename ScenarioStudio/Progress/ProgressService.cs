using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Progress;

public sealed record TrendPoint(DateTimeOffset At, int Score, string Scenario);

public sealed record CriterionAverage(string Name, int Average, int Samples);

public sealed record Suggestion(int ScenarioId, string Title, string Reason);

public sealed record LearnerProgress(
    string LearnerName, int Xp, int Level, int XpForNextLevel, int XpIntoLevel, int LevelSpan, int Streak,
    int CompletedSessions, int? AverageScore, IReadOnlyList<Achievement> Achievements, IReadOnlyList<TrendPoint> Trend,
    IReadOnlyList<CriterionAverage> Strengths, IReadOnlyList<CriterionAverage> Weaknesses, IReadOnlyList<SessionRow> Recent,
    IReadOnlyList<Suggestion> Next);

/// <summary>A learner's own progress: XP and level, streak, achievements, trend, strengths and what to practise next.</summary>
public sealed class ProgressService(CurrentUser currentUser, TenantDb tenantDb, SessionHistory history, TimeProvider clock)
{
    private const int TrendLength = 30;

    public async Task<LearnerProgress> GetMineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var me = await db.Users.Where(u => u.Id == caller.UserId).Select(u => new { u.DisplayName, u.TimeZone }).SingleAsync(ct);
        var zone = ProgressRules.Zone(me.TimeZone);
        var now = clock.GetUtcNow();

        // Totals in SQL; only the small per-session columns are read.
        var completed = await db.PracticeSessions.AsNoTracking().Counted()
            .Where(s => s.UserId == caller.UserId && s.CompletedAt != null)
            .OrderBy(s => s.CompletedAt)
            .Select(s => new { s.Id, s.ScenarioId, s.ScenarioTitle, s.CompletedAt, s.OverallScore, s.XpEarned, s.Outcomes })
            .ToListAsync(ct);
        var xp = completed.Sum(s => s.XpEarned);
        var level = ProgressRules.LevelFor(xp);
        var floor = ProgressRules.Threshold(level);
        var next = ProgressRules.Threshold(level + 1);
        var days = completed.Select(s => s.CompletedAt!.Value).ToList();

        var achievements = new List<Achievement>
        {
            new("first-session", "First steps", "Complete a practice session.", completed.Count > 0 ? ProgressRules.LocalDay(days[0], zone) : null),
            new("five-sessions", "Regular", "Complete five sessions.", completed.Count >= 5 ? ProgressRules.LocalDay(days[4], zone) : null),
            new("streak-7", "Seven-day streak", "Practise on seven days in a row.", ProgressRules.LongestStreak(days, zone).ReachedSevenOn),
            new("score-90", "Top marks", "Score 90 or more in a session.",
                completed.FirstOrDefault(s => s.OverallScore >= 90) is { } top ? ProgressRules.LocalDay(top.CompletedAt!.Value, zone) : null),
            new("all-phases", "Every phase mastered", "Meet the objective of every phase of a scenario.",
                completed.FirstOrDefault(s => s.Outcomes.Count > 0 && s.Outcomes.All(o => o == PhaseOutcome.Met)) is { } all
                    ? ProgressRules.LocalDay(all.CompletedAt!.Value, zone)
                    : null),
            new("xp-1000", "Committed", "Earn 1,000 XP.",
                xp >= 1000 ? ProgressRules.LocalDay(days[CumulativeIndex(completed.Select(s => s.XpEarned), 1000)], zone) : null),
        };

        var trend = completed.Where(s => s.OverallScore is not null).TakeLast(TrendLength)
            .Select(s => new TrendPoint(s.CompletedAt!.Value, s.OverallScore!.Value, s.ScenarioTitle)).ToList();

        // Per-criterion averages over the coach's scores in the learner's recent sessions (bounded: the last 50).
        var recentIds = completed.TakeLast(50).Select(s => s.Id).ToList();
        var criteria = await CriterionStats.ForLearnerSessionsAsync(db, caller.OrganisationId, caller.UserId, recentIds, ct);

        var practised = completed.Select(s => s.ScenarioId).ToHashSet();
        var weakest = completed.Where(s => s.OverallScore < 70).OrderBy(s => s.OverallScore).Select(s => s.ScenarioId).Distinct().Take(2).ToList();
        var published = await db.Scenarios.AsNoTracking().OpenToLearners()
            .OrderBy(s => s.Difficulty).ThenBy(s => s.Title).Select(s => new { s.Id, s.Title }).Take(200).ToListAsync(ct);
        var suggestions = published.Where(s => weakest.Contains(s.Id)).Select(s => new Suggestion(s.Id, s.Title, "You scored under 70 last time."))
            .Concat(published.Where(s => !practised.Contains(s.Id)).Take(3).Select(s => new Suggestion(s.Id, s.Title, "Not practised yet.")))
            .Take(4).ToList();

        return new LearnerProgress(me.DisplayName, xp, level, next, xp - floor, next - floor, ProgressRules.Streak(days, zone, now),
            completed.Count,
            completed.Count(s => s.OverallScore is not null) is > 0
                ? Scores.Round(completed.Where(s => s.OverallScore is not null).Average(s => s.OverallScore!.Value))
                : null,
            achievements, trend, criteria.Take(3).ToList(), criteria.AsEnumerable().Reverse().Take(3).Where(c => c.Average < 80).ToList(),
            (await history.ListMineAsync(ct)).Take(5).ToList(), suggestions);
    }

    private static int CumulativeIndex(IEnumerable<int> values, int target)
    {
        var sum = 0;
        var i = 0;
        foreach (var v in values)
        {
            sum += v;
            if (sum >= target) return i;
            i++;
        }
        return i - 1;
    }
}

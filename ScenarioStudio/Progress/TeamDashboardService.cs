using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Progress;

public sealed record LearnerSummary(string LearnerId, string Name, int Started, int Completed, int? AverageScore, int? FirstScore,
    int? LatestScore, int Xp, DateTimeOffset? LastPractised);

public sealed record ScenarioSummary(int ScenarioId, string Title, int Attempts, int Completed, int? AverageScore);

public sealed record MonthlyScore(DateOnly Month, int Completed, int? AverageScore);

public sealed record TeamDashboard(IReadOnlyList<LearnerSummary> Learners, IReadOnlyList<ScenarioSummary> Scenarios,
    IReadOnlyList<LearnerSummary> Inactive, int CompletionPercent, int? AverageScore, int InactiveDays, IReadOnlyList<CriterionAverage> Criteria,
    IReadOnlyList<MonthlyScore> Monthly)
{
    /// <summary>The ten learners with the most XP (then the best average).</summary>
    public IReadOnlyList<LearnerSummary> Leaderboard => Learners.Where(l => l.Xp > 0).OrderByDescending(l => l.Xp)
        .ThenByDescending(l => l.AverageScore).ThenBy(l => l.Name).Take(10).ToList();
}

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

        var people = db.TraineesFollowedBy(caller);
        var sessions = db.PracticeSessions.Counted().Where(s => people.Contains(s.UserId));
        var done = sessions.Where(s => s.CompletedAt != null);

        // The learners' figures in one grouped pass over their sessions (correlated counts per learner made PostgreSQL
        // read each learner's sessions five times, checking every one against the team again); the first and latest
        // score are one index seek each. The average is rounded here, as every other figure (Scores.Round): engines
        // round a half in SQL differently.
        var figures = await sessions.GroupBy(s => s.UserId)
            .Select(g => new
            {
                UserId = g.Key,
                Started = g.Count(),
                Completed = g.Count(s => s.CompletedAt != null),
                Xp = g.Sum(s => s.CompletedAt != null ? s.XpEarned : 0),
                LastPractised = g.Max(s => (DateTimeOffset?)s.UpdatedAt),
                // Sum and count rather than an average, so the whole team's average comes from the same figures.
                ScoreSum = g.Sum(s => s.CompletedAt != null ? s.OverallScore : null) ?? 0,
                Scored = g.Count(s => s.CompletedAt != null && s.OverallScore != null),
            })
            .ToDictionaryAsync(f => f.UserId, ct);
        var counted = db.PracticeSessions.Counted().Where(s => s.CompletedAt != null);
        var learners = (await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new
            {
                u.Id, u.DisplayName,
                First = counted.Where(s => s.UserId == u.Id).OrderBy(s => s.CompletedAt).Select(s => s.OverallScore).FirstOrDefault(),
                Latest = counted.Where(s => s.UserId == u.Id).OrderByDescending(s => s.CompletedAt).Select(s => s.OverallScore).FirstOrDefault(),
            })
            .ToListAsync(ct))
            .Select(u => figures.GetValueOrDefault(u.Id) is { } f
                ? new LearnerSummary(u.Id, u.DisplayName, f.Started, f.Completed, f.Scored == 0 ? null : Scores.Round((double)f.ScoreSum / f.Scored), u.First, u.Latest,
                    f.Xp, f.LastPractised)
                : new LearnerSummary(u.Id, u.DisplayName, 0, 0, null, null, null, 0, null))
            .ToList();

        var scenarios = (await sessions.GroupBy(s => new { s.ScenarioId, s.ScenarioTitle })
                .Select(g => new
                {
                    g.Key.ScenarioId, g.Key.ScenarioTitle, Attempts = g.Count(), Completed = g.Count(s => s.CompletedAt != null),
                    Average = g.Average(s => (double?)s.OverallScore)
                })
                .OrderByDescending(g => g.Attempts).ThenBy(g => g.ScenarioTitle).ToListAsync(ct))
            .Select(g => new ScenarioSummary(g.ScenarioId, g.ScenarioTitle, g.Attempts, g.Completed, g.Average is { } a ? Scores.Round(a) : null)).ToList();

        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-inactiveDays);
        var inactive = learners.Where(l => l.LastPractised is null || l.LastPractised < cutoff).ToList();
        var started = learners.Sum(l => l.Started);
        var completed = learners.Sum(l => l.Completed);
        var scored = figures.Values.Sum(f => f.Scored);
        var average = scored == 0 ? null : (int?)Scores.Round((double)figures.Values.Sum(f => (long)f.ScoreSum) / scored);
        var criteria = await CriterionStats.ForLearnersAsync(db, caller.OrganisationId, people, ct);

        // Improvement over time: the average of sessions completed in each of the last twelve calendar months (UTC), from
        // one grouped query. CompletedAt is stored as DateTimeOffsetToBinaryConverter's long, which SQLite cannot take a
        // month from, so each session is put in its month by comparing it with the months' first instants (CASE WHEN);
        // naming the organisation lets SQLite seek IX_PracticeSessions_Progress per learner and read only the entries of
        // the last twelve months (the tenant filter alone is an OR it cannot seek with).
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var starts = Enumerable.Range(-11, 13).Select(m => (DateTimeOffset?)thisMonth.AddMonths(m)).ToArray(); // 12 months and the end
        var byMonth = await done.Where(s => s.OrganisationId == caller.OrganisationId && s.CompletedAt >= starts[0] && s.CompletedAt < starts[12])
            .GroupBy(MonthOf(starts))
            .Select(g => new { Month = g.Key, Count = g.Count(), Average = g.Average(s => (double?)s.OverallScore) })
            .ToDictionaryAsync(g => g.Month, ct);
        var monthly = Enumerable.Range(0, 12).Select(i =>
        {
            var figures = byMonth.GetValueOrDefault(i);
            return new MonthlyScore(DateOnly.FromDateTime(starts[i]!.Value.UtcDateTime), figures?.Count ?? 0,
                figures?.Average is { } avg ? Scores.Round(avg) : null);
        }).ToList();

        // s => s.CompletedAt < starts[1] ? 0 : s.CompletedAt < starts[2] ? 1 : … : 11, which EF writes as CASE WHEN.
        static System.Linq.Expressions.Expression<Func<PracticeSession, int>> MonthOf(DateTimeOffset?[] starts)
        {
            var session = System.Linq.Expressions.Expression.Parameter(typeof(PracticeSession), "s");
            var completed = System.Linq.Expressions.Expression.Property(session, nameof(PracticeSession.CompletedAt));
            System.Linq.Expressions.Expression month = System.Linq.Expressions.Expression.Constant(starts.Length - 2);
            for (var i = starts.Length - 2; i >= 1; i--)
            {
                // A captured variable, as in a written lambda: EF sends it as a parameter, so the SQL (and the compiled
                // query) stays the same from month to month.
                var k = i;
                System.Linq.Expressions.Expression<Func<DateTimeOffset?>> start = () => starts[k];
                month = System.Linq.Expressions.Expression.Condition(System.Linq.Expressions.Expression.LessThan(completed, start.Body),
                    System.Linq.Expressions.Expression.Constant(i - 1), month);
            }
            return System.Linq.Expressions.Expression.Lambda<Func<PracticeSession, int>>(month, session);
        }

        return new TeamDashboard(learners, scenarios, inactive, started == 0 ? 0 : Scores.Round(100.0 * completed / started), average, inactiveDays,
            criteria, monthly);
    }

    public static readonly IReadOnlyList<ExportColumn> SessionColumns =
    [
        new("Learner"), new("E-mail"), new("Teams"), new("Scenario"), new("Status"), new("Started (UTC)", ColumnKind.Date),
        new("Completed (UTC)", ColumnKind.Date), new("Minutes", ColumnKind.Number), new("Phases", ColumnKind.Number),
        new("Phases met", ColumnKind.Number), new("Phases missed", ColumnKind.Number), new("Answers", ColumnKind.Number),
        new("Score", ColumnKind.Number), new("XP", ColumnKind.Number), new("Engine"),
    ];

    /// <summary>
    /// Every practice session the caller may see, one row each, oldest first: the whole organisation for Admins,
    /// the members of the teams they lead for Managers. The rows stream from the database as the file is written.
    /// </summary>
    public async Task<ExportTable> SessionsAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        return new ExportTable("Sessions", SessionColumns, SessionRowsAsync(caller, ct));
    }

    private async IAsyncEnumerable<object?[]> SessionRowsAsync(Caller caller, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = (await db.TeamMembers.AsNoTracking().Select(m => new { m.UserId, m.Team!.Name }).ToListAsync(ct))
            .GroupBy(m => m.UserId).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(m => m.Name).Order()));

        var people = db.PeopleFollowedBy(caller);
        var sessions = db.PracticeSessions.AsNoTracking().Counted().Where(s => people.Contains(s.UserId));
        var rows = from s in sessions
                   join u in db.Users on s.UserId equals u.Id
                   orderby s.StartedAt
                   select new
                   {
                       u.DisplayName, u.Email, s.UserId, s.ScenarioTitle, s.Stage, s.StartedAt, s.UpdatedAt, s.CompletedAt, s.Outcomes,
                       s.OverallScore, s.XpEarned, s.Provider, s.Answers,
                   };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var end = r.CompletedAt ?? r.UpdatedAt;
            yield return
            [
                r.DisplayName, r.Email, teams.GetValueOrDefault(r.UserId, ""), r.ScenarioTitle,
                r.CompletedAt is null ? "In progress" : "Completed", r.StartedAt, r.CompletedAt,
                Scores.Round((end - r.StartedAt).TotalMinutes), r.Outcomes.Count, r.Outcomes.Count(o => o == PhaseOutcome.Met),
                r.Outcomes.Count(o => o == PhaseOutcome.Missed), r.Answers, r.OverallScore, r.XpEarned,
                r.Provider,
            ];
        }
    }

    public static ExportTable LearnersTable(TeamDashboard d) => new("Learners",
        [new("Learner"), new("Sessions started", ColumnKind.Number), new("Sessions completed", ColumnKind.Number), new("Average score", ColumnKind.Number),
         new("First score", ColumnKind.Number), new("Latest score", ColumnKind.Number), new("XP", ColumnKind.Number), new("Last practised", ColumnKind.Date)],
        d.Learners.Select(l => new object?[] { l.Name, l.Started, l.Completed, l.AverageScore, l.FirstScore, l.LatestScore, l.Xp, l.LastPractised }).ToList());

    public static ExportTable ScenariosTable(TeamDashboard d) => new("Scenarios",
        [new("Scenario"), new("Attempts", ColumnKind.Number), new("Completed", ColumnKind.Number), new("Average score", ColumnKind.Number)],
        d.Scenarios.Select(s => new object?[] { s.Title, s.Attempts, s.Completed, s.AverageScore }).ToList());

    public static ExportTable MonthlyTable(TeamDashboard d) => new("Monthly scores",
        [new("Month"), new("Sessions completed", ColumnKind.Number), new("Average score", ColumnKind.Number)],
        d.Monthly.Select(m => new object?[] { m.Month.ToString("yyyy-MM"), m.Completed, m.AverageScore }));

    public static ExportTable LeaderboardTable(TeamDashboard d) => new("Leaderboard",
        [new("Rank", ColumnKind.Number), new("Learner"), new("XP", ColumnKind.Number), new("Level", ColumnKind.Number),
         new("Sessions completed", ColumnKind.Number), new("Average score", ColumnKind.Number)],
        d.Leaderboard.Select((l, i) => new object?[] { i + 1, l.Name, l.Xp, ProgressRules.LevelFor(l.Xp), l.Completed, l.AverageScore }));

    public static ExportTable InactiveTable(TeamDashboard d) => new($"Not practised in {d.InactiveDays} days",
        [new("Learner"), new("Sessions completed", ColumnKind.Number), new("Last practised", ColumnKind.Date)],
        d.Inactive.Select(l => new object?[] { l.Name, l.Completed, l.LastPractised }));

    /// <summary>Whether the caller's dashboard shows this learner (the people of <see cref="GetAsync"/>), so an open
    /// dashboard re-loads only for its own learners' sessions.</summary>
    public async Task<bool> WatchesAsync(string learnerId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.TraineesFollowedBy(caller).AnyAsync(id => id == learnerId, ct);
    }
}

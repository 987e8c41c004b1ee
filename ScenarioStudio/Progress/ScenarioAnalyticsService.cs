using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Progress;

public sealed record PhaseAnalytics(int Index, string Name, int Reached, int StoppedHere, int Missed, double AverageTurns)
{
    /// <summary>A phase that versions learners practised had and the live one no longer has.</summary>
    public bool Removed { get; init; }
}

public sealed record ScenarioAnalytics(int ScenarioId, string Title, int Attempts, int Completed, int CompletionPercent, int? AverageScore,
    IReadOnlyList<CriterionAverage> Criteria, IReadOnlyList<PhaseAnalytics> Phases)
{
    /// <summary>The version the figures are limited to; null for every version.</summary>
    public int? Version { get; init; }
    /// <summary>The scenario's versions, newest first, to filter by.</summary>
    public IReadOnlyList<int> Versions { get; init; } = [];

    /// <summary>The phase where most learners stop or miss the objective, if any do.</summary>
    public PhaseAnalytics? Hardest => Phases.Where(p => p.StoppedHere + p.Missed > 0).OrderByDescending(p => p.StoppedHere + p.Missed).FirstOrDefault();
}

/// <summary>
/// How one scenario performs, for its creator and Admins, over every version or one. Counts and averages are computed
/// in SQL per version; phases are matched across versions by their key, so a phase's figures stay its own when phases
/// were added, removed or reordered between versions. Try-outs are not counted.
/// </summary>
public sealed class ScenarioAnalyticsService(CurrentUser currentUser, TenantDb tenantDb)
{
    public async Task<ScenarioAnalytics> GetAsync(int scenarioId, int? version = null, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.Scenarios.AsNoTracking().Include(s => s.Phases).SingleOrDefaultAsync(s => s.Id == scenarioId, ct)
            ?? throw new ForbiddenException("This scenario does not exist in your organisation.");
        if (!ScenarioAccess.ActionsFor(caller, scenario).CanSeeAnalytics)
            throw new ForbiddenException("Scenario analytics are for the scenario's creator and Admins.");

        // The explicit organisation lets SQLite seek IX_PracticeSessions_Analytics (the tenant filter alone is an OR it
        // cannot seek with); that index covers every column read below, so no query reads a session's snapshot.
        var sessions = db.PracticeSessions.Counted().Where(s => s.OrganisationId == caller.OrganisationId && s.ScenarioId == scenarioId);
        if (version is { } only) sessions = sessions.Where(s => s.ScenarioVersion == only);
        var attempts = await sessions.CountAsync(ct);
        var completed = await sessions.CountAsync(s => s.CompletedAt != null, ct);
        var average = await sessions.AverageAsync(s => (double?)s.OverallScore, ct);

        var criteria = version is null
            ? await CriterionStats.ForScenarioAsync(db, caller.OrganisationId, scenarioId, ct)
            : await CriterionStats.ForScenarioSessionsAsync(db, caller.OrganisationId, scenarioId, sessions.Select(s => s.Id), ct);

        var stopped = await sessions.Where(s => s.CompletedAt == null).GroupBy(s => new { s.ScenarioVersion, s.PhaseIndex })
            .Select(g => new { g.Key.ScenarioVersion, Phase = g.Key.PhaseIndex, Count = g.Count() }).ToListAsync(ct);
        var reachedFrom = await sessions.GroupBy(s => new { s.ScenarioVersion, Furthest = s.CompletedAt != null ? int.MaxValue : s.PhaseIndex })
            .Select(g => new { g.Key.ScenarioVersion, g.Key.Furthest, Count = g.Count() }).ToListAsync(ct);
        var answers = await db.PracticeMessages.Where(m => m.Kind == MessageKind.Answer)
            .Join(sessions, m => m.SessionId, s => s.Id, (m, s) => new { s.ScenarioVersion, m.PhaseIndex })
            .GroupBy(x => new { x.ScenarioVersion, x.PhaseIndex })
            .Select(g => new { g.Key.ScenarioVersion, Phase = g.Key.PhaseIndex, Count = g.Count() }).ToListAsync(ct);
        var missed = await MissedByPhaseAsync(db, caller.OrganisationId, scenarioId, version, ct);

        // Each version's phase keys by position; sessions from before versions were kept follow the live phases.
        var live = scenario.Phases.OrderBy(p => p.Order).Select(p => p.Content).ToList();
        var versionPhases = await db.ScenarioVersions.AsNoTracking().Where(v => v.ScenarioId == scenarioId)
            .OrderByDescending(v => v.Number).Select(v => new { v.Number, v.Document }).ToListAsync(ct);
        List<Phase> PhasesOf(int? v) => versionPhases.FirstOrDefault(x => x.Number == v)?.Document.Phases ?? live;
        static string Key(Phase p, int i) => string.IsNullOrEmpty(p.Key) ? $"#{i}" : p.Key;

        var figures = new Dictionary<string, (int Reached, int Stopped, int Missed, int Answers)>();
        void Add(int? v, int index, int reached = 0, int stop = 0, int miss = 0, int answered = 0)
        {
            var phases = PhasesOf(v);
            if (index < 0 || index >= phases.Count) return;
            var key = Key(phases[index], index);
            var f = figures.GetValueOrDefault(key);
            figures[key] = (f.Reached + reached, f.Stopped + stop, f.Missed + miss, f.Answers + answered);
        }
        foreach (var r in reachedFrom)
            for (var i = 0; i < PhasesOf(r.ScenarioVersion).Count && i <= r.Furthest; i++) Add(r.ScenarioVersion, i, reached: r.Count);
        foreach (var x in stopped) Add(x.ScenarioVersion, x.Phase, stop: x.Count);
        foreach (var x in missed) Add(x.Version, x.Phase, miss: x.Count);
        foreach (var x in answers) Add(x.ScenarioVersion, x.Phase, answered: x.Count);

        // The phases shown: those of the version asked for (or the live ones), then phases only older versions had.
        var shown = PhasesOf(version).Select((p, i) => (Key: Key(p, i), p.Name, Removed: false)).ToList();
        if (version is null)
            shown.AddRange(versionPhases.SelectMany(v => v.Document.Phases.Select((p, i) => (Key: Key(p, i), p.Name, Removed: true)))
                .Where(p => figures.ContainsKey(p.Key) && shown.All(s => s.Key != p.Key)).DistinctBy(p => p.Key));
        var phaseRows = shown.Select((p, i) =>
        {
            var f = figures.GetValueOrDefault(p.Key);
            return new PhaseAnalytics(i, p.Removed ? $"{p.Name} (removed)" : p.Name, f.Reached, f.Stopped, f.Missed,
                f.Reached == 0 ? 0 : Math.Round(f.Answers / (double)f.Reached, 1, MidpointRounding.AwayFromZero)) { Removed = p.Removed };
        }).ToList();

        return new ScenarioAnalytics(scenario.Id, scenario.Title, attempts, completed, attempts == 0 ? 0 : Scores.Round(100.0 * completed / attempts),
            average is { } a ? Scores.Round(a) : null, criteria, phaseRows)
        {
            Version = version, Versions = versionPhases.Select(v => v.Number).ToList(),
        };
    }

    /// <summary>
    /// How many sessions missed each phase's objective, per version, counted inside the database. A session's outcomes are
    /// one small JSON array in its row (["met","missed",…], ScenarioJson's names; the array index is the phase), which the
    /// engine's JSON functions turn into rows to count (<see cref="SqlDialect.MissedByPhase"/>).
    /// </summary>
    private static async Task<List<PhaseMissCount>> MissedByPhaseAsync(AppDbContext db, Guid organisationId, int scenarioId, int? version,
        CancellationToken ct)
    {
        var missed = ScenarioJson.Serialize(PhaseOutcome.Missed).Trim('"');
        return await SqlDialect.Of(db.Database).MissedByPhase(db, organisationId, scenarioId, version, missed).ToListAsync(ct);
    }

    public static ExportTable PhasesTable(ScenarioAnalytics a) => new("Phases",
        [new("Phase", ColumnKind.Number), new("Name"), new("Reached", ColumnKind.Number), new("Stopped here", ColumnKind.Number),
         new("Objective missed", ColumnKind.Number), new("Average answers", ColumnKind.Number)],
        a.Phases.Select(p => new object?[] { p.Index + 1, p.Name, p.Reached, p.StoppedHere, p.Missed, p.AverageTurns }));
}

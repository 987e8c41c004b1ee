using ScenarioStudio.Ai.Coach;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>One sample answer scored by the offline coach, against the band its creator expects.</summary>
public sealed record RubricTestResult(int PhaseIndex, string PhaseName, RubricTestCase Case, int Score, bool InBand, IReadOnlyList<string> Why);

/// <summary>
/// Runs a scenario's rubric test cases through the offline coach, the one every organisation has, so a creator sees
/// which sample answers land outside their band and why, and a reviewer is warned before publishing.
/// </summary>
public sealed class RubricTestService(CurrentUser currentUser, ScenarioQueries scenarios, CoachJudge judge)
{
    /// <summary>The cases of the content being edited (unsaved edits included); one phase or all of them.</summary>
    public async Task<IReadOnlyList<RubricTestResult>> RunAsync(ScenarioDocument doc, int? phaseIndex = null, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permission.RunRubricTests, ct);
        var phases = phaseIndex is { } only ? [only] : Enumerable.Range(0, doc.Phases.Count);
        var work = phases.Where(i => i >= 0 && i < doc.Phases.Count)
            .SelectMany(i => doc.Phases[i].TestCases.Where(c => c.Answer.Trim().Length > 0).Select(c => (i, c))).ToList();
        // Scoring is CPU work (sentence embeddings): off the circuit's thread.
        return await Task.Run(() => work.Select(w =>
        {
            ct.ThrowIfCancellationRequested();
            var a = judge.Assess(doc, w.i, w.c.Answer);
            var inBand = a.Overall >= w.c.MinScore && a.Overall <= w.c.MaxScore;
            var why = a.Overall < w.c.MinScore ? a.ToImprove.Take(2).ToList()
                : a.Overall > w.c.MaxScore ? a.WentWell.Take(2).Prepend("It scored higher because it met:").ToList()
                : [];
            return new RubricTestResult(w.i, doc.Phases[w.i].Name, w.c, a.Overall, inBand, why);
        }).ToList(), ct);
    }

    /// <summary>The saved scenario's cases that land outside their band: what publishing warns about.</summary>
    public async Task<IReadOnlyList<RubricTestResult>> FailingAsync(int scenarioId, CancellationToken ct = default)
    {
        var details = await scenarios.GetAsync(scenarioId, ct);
        return (await RunAsync(details.Document, null, ct)).Where(r => !r.InBand).ToList();
    }
}

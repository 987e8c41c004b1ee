using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

public sealed record PhaseSummary(string Name, PhaseOutcome Outcome, int? FirstScore, int? RepeatScore, string? FirstAnswer, string? RepeatAnswer,
    bool RepeatCopied = false);

public sealed record CriterionSummary(string Name, int Weight, int Average);

public sealed record SessionSummary(int Overall, int XpEarned, IReadOnlyList<PhaseSummary> Phases, IReadOnlyList<CriterionSummary> Criteria,
    IReadOnlyList<string> PractiseNext);

/// <summary>Figures for the end-of-session summary, computed from the saved messages only.</summary>
public static class PracticeSummary
{
    /// <summary>
    /// The session score, a measure of skill: per phase the best first try (a repeat after seeing the better version
    /// shows improvement, not skill), averaged over all phases; a phase never answered counts 0. Rounded half away
    /// from zero, as SQLite's ROUND does in the migration that rescored older sessions.
    /// </summary>
    public static int Overall(ScenarioDocument scenario, IEnumerable<PracticeMessage> messages)
    {
        if (scenario.Phases.Count == 0) return 0;
        var firstTries = FirstTryFeedback(messages).ToList();
        var total = Enumerable.Range(0, scenario.Phases.Count)
            .Sum(p => firstTries.Where(m => m.PhaseIndex == p).Select(m => m.Assessment!.Overall).DefaultIfEmpty(0).Max());
        return Scores.Round(total / (double)scenario.Phases.Count);
    }

    /// <summary>The coach's kept assessments of first tries (answers), not of repeats.</summary>
    public static IEnumerable<PracticeMessage> FirstTryFeedback(IEnumerable<PracticeMessage> messages)
    {
        PracticeMessage? learner = null;
        foreach (var m in messages.OrderBy(m => m.Sequence))
        {
            if (m.Speaker == Speaker.Learner) learner = m;
            else if (m.Speaker == Speaker.Coach && m.Assessment is not null && !m.Stopped && learner?.Kind == MessageKind.Answer) yield return m;
        }
    }

    /// <summary>
    /// For every coach message that scores a repeat, the assessment of the first try it repeats (the coach's reply to
    /// the phase's latest answer before it), so the two can be shown side by side.
    /// </summary>
    public static Dictionary<long, Assessment> FirstTries(IEnumerable<PracticeMessage> messages)
    {
        var pairs = new Dictionary<long, Assessment>();
        Assessment? firstTry = null;
        PracticeMessage? learner = null;
        foreach (var m in messages.OrderBy(m => m.Sequence))
        {
            if (m.Speaker == Speaker.Learner) learner = m;
            if (m.Assessment is not { } assessment || m.Stopped || learner is null) continue;
            if (learner.Kind == MessageKind.Answer) firstTry = assessment;
            else if (learner.Kind == MessageKind.Repeat && firstTry is not null) pairs[m.Id] = firstTry;
        }
        return pairs;
    }

    public static SessionSummary Build(SessionView s)
    {
        var ordered = s.Messages.OrderBy(m => m.Sequence).ToList();
        var phases = s.Scenario.Phases.Select((phase, i) =>
        {
            // First try and repeat of the phase's last turn: the pair the learner just practised.
            var inPhase = ordered.Where(m => m.PhaseIndex == i).ToList();
            var repeat = inPhase.LastOrDefault(m => m.Kind == MessageKind.Repeat);
            var answer = inPhase.LastOrDefault(m => m.Kind == MessageKind.Answer);
            Assessment? After(PracticeMessage? learner) => learner is null ? null
                : inPhase.FirstOrDefault(m => m.Sequence > learner.Sequence && m.Assessment is not null && !m.Stopped)?.Assessment;
            var repeated = After(repeat);
            return new PhaseSummary(phase.Name, s.Outcomes.ElementAtOrDefault(i), After(answer)?.Overall, repeated?.Overall, answer?.Text, repeat?.Text,
                repeated?.CopiedBetterVersion == true);
        }).ToList();

        // First tries only, like the session score and the dashboards: the repeat is shown beside each phase as the improvement.
        var assessments = FirstTryFeedback(ordered).Select(m => m.Assessment!).ToList();
        var criteria = s.Scenario.Rubric.Select(c => new CriterionSummary(c.Name, c.Weight,
            Scores.Round(assessments.SelectMany(a => a.Criteria).Where(x => x.Name == c.Name).Select(x => x.Score).DefaultIfEmpty(0).Average()))).ToList();

        var next = new List<string>();
        next.AddRange(criteria
            .Where(c => c.Average < 70)
            .OrderBy(c => c.Average)
            .Take(2)
            .Select(c => $"Work on {c.Name.ToLowerInvariant()} (average {c.Average})."));
        next.AddRange(phases.Where(p => p.Outcome == PhaseOutcome.Missed).Select(p => $"Replay the “{p.Name}” phase: its objective was missed."));
        var lastTips = assessments.LastOrDefault()?.ToImprove.Take(1) ?? [];
        next.AddRange(lastTips);
        if (next.Count == 0) next.Add("Strong session. Try a harder scenario next.");

        var overall = s.OverallScore ?? Overall(s.Scenario, ordered);
        return new SessionSummary(overall, s.XpEarned, phases, criteria, next);
    }
}

using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

public sealed record PhaseSummary(string Name, PhaseOutcome Outcome, int? FirstScore, int? RepeatScore, string? FirstAnswer, string? RepeatAnswer);

public sealed record CriterionSummary(string Name, int Weight, int Average);

public sealed record SessionSummary(int Overall, int XpEarned, IReadOnlyList<PhaseSummary> Phases, IReadOnlyList<CriterionSummary> Criteria,
    IReadOnlyList<string> PractiseNext);

/// <summary>Figures for the end-of-session summary, computed from the saved messages only.</summary>
public static class PracticeSummary
{
    /// <summary>The session score: per phase the best scored attempt, averaged over all phases (a phase never scored counts 0).</summary>
    public static int Overall(ScenarioDocument scenario, IEnumerable<PracticeMessage> messages)
    {
        var scored = Scored(messages).ToList();
        if (scenario.Phases.Count == 0) return 0;
        var total = Enumerable.Range(0, scenario.Phases.Count)
            .Sum(p => scored.Where(m => m.PhaseIndex == p).Select(m => m.Assessment!.Overall).DefaultIfEmpty(0).Max());
        return (int)Math.Round(total / (double)scenario.Phases.Count);
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
            int? ScoreAfter(PracticeMessage? learner) => learner is null ? null
                : inPhase.FirstOrDefault(m => m.Sequence > learner.Sequence && m.Assessment is not null && !m.Stopped)?.Assessment!.Overall;
            return new PhaseSummary(phase.Name, s.Outcomes.ElementAtOrDefault(i), ScoreAfter(answer), ScoreAfter(repeat), answer?.Text, repeat?.Text);
        }).ToList();

        var assessments = Scored(ordered).Select(m => m.Assessment!).ToList();
        var criteria = s.Scenario.Rubric.Select(c => new CriterionSummary(c.Name, c.Weight,
            (int)Math.Round(assessments.SelectMany(a => a.Criteria).Where(x => x.Name == c.Name).Select(x => x.Score).DefaultIfEmpty(0).Average()))).ToList();

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

    private static IEnumerable<PracticeMessage> Scored(IEnumerable<PracticeMessage> messages) =>
        messages.Where(m => m.Speaker == Speaker.Coach && m.Assessment is not null && !m.Stopped);
}

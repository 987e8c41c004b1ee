using ScenarioStudio.Ai;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Tests.Ai;

/// <summary>The offline coach's required properties, over every phase of every seeded template.</summary>
public sealed class ScriptedCoachTests
{
    public static TheoryData<string, int> Phases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (key, doc) in ScenarioLibrary.All)
            for (var i = 0; i < doc.Phases.Count; i++) data.Add(key, i);
        return data;
    }

    private static ScenarioDocument Template(string key) => ScenarioLibrary.All.Single(t => t.Key == key).Document;

    [Theory]
    [MemberData(nameof(Phases))]
    public void The_ideal_response_scores_at_least_85(string key, int phase)
    {
        var doc = Template(key);
        var a = ScriptedCoach.Assess(doc, phase, doc.Phases[phase].IdealResponse);
        Assert.True(a.Overall >= 85, $"{key} phase {phase}: {a.Overall} ({string.Join("; ", a.Criteria.Select(c => $"{c.Name} {c.Score}: {c.Evidence}"))})");
        Assert.True(a.ObjectiveMet);
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Empty_off_topic_and_rude_answers_score_at_most_25(string key, int phase)
    {
        var doc = Template(key);
        string[] bad =
        [
            "",
            "   ",
            "The weather in Lisbon was lovely last week and my cousin bought a new bicycle.",
            "Whatever. Calm down, that's not my problem, you are being ridiculous.",
            "ok",
        ];
        foreach (var answer in bad)
        {
            var a = ScriptedCoach.Assess(doc, phase, answer);
            Assert.True(a.Overall <= 25, $"{key} phase {phase}: '{answer}' scored {a.Overall}");
            Assert.False(a.ObjectiveMet);
        }
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void A_repeat_that_adds_the_missing_phrases_scores_higher(string key, int phase)
    {
        var doc = Template(key);
        var p = doc.Phases[phase];
        var first = $"Thank you for telling me. {p.EssentialPhrases[0]}.";
        var before = ScriptedCoach.Assess(doc, phase, first);
        var missing = p.EssentialPhrases.Skip(1).Take(3);
        var repeat = first + " " + string.Join(". ", missing) + ". " + string.Join(", ", p.KeyVocabulary.Take(3)) + ". Shall we continue?";
        var after = ScriptedCoach.Assess(doc, phase, repeat);
        Assert.True(after.Overall > before.Overall, $"{key} phase {phase}: repeat {after.Overall} <= first {before.Overall}");
    }

    [Fact]
    public void Scores_are_deterministic_and_every_criterion_carries_evidence()
    {
        var (_, doc) = ScenarioLibrary.All.First();
        var answer = doc.Phases[0].IdealResponse[..(doc.Phases[0].IdealResponse.Length / 2)];
        var a = ScriptedCoach.Assess(doc, 0, answer);
        var b = ScriptedCoach.Assess(doc, 0, answer);
        Assert.Equal(ScenarioJson.Serialize(a), ScenarioJson.Serialize(b));
        Assert.Equal(doc.Rubric.Select(r => r.Name), a.Criteria.Select(c => c.Name));
        Assert.All(a.Criteria, c => Assert.False(string.IsNullOrWhiteSpace(c.Evidence)));
        Assert.Equal(doc.Phases[0].IdealResponse, a.BetterVersion);
    }

    [Fact]
    public void A_phrase_to_avoid_costs_points_and_is_named_in_the_feedback()
    {
        var (_, doc) = ScenarioLibrary.All.First(t => t.Document.Tone.PhrasesToAvoid.Count > 0);
        var ideal = doc.Phases[0].IdealResponse;
        var clean = ScriptedCoach.Assess(doc, 0, ideal);
        var spoiled = ScriptedCoach.Assess(doc, 0, doc.Tone.PhrasesToAvoid[0] + ". " + ideal);
        Assert.True(spoiled.Overall < clean.Overall);
        Assert.Contains(spoiled.ToImprove, t => t.Contains(doc.Tone.PhrasesToAvoid[0], StringComparison.OrdinalIgnoreCase));
    }
}

using ScenarioStudio.Ai.Coach;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Ai;

/// <summary>The offline coach's required properties, over every phase of every seeded template.</summary>
// In the browser collection: their CPU-heavy scoring would otherwise share the two cores with Chromium and slow
// the browser tests' frames.
[Collection("Browser")]
public sealed class CoachJudgeTests
{
    private static readonly CoachJudge Judge = TestModel.Judge;

    public static TheoryData<string, int> Phases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (key, doc) in ScenarioLibrary.All)
            for (var i = 0; i < doc.Phases.Count; i++) data.Add(key, i);
        return data;
    }

    private static ScenarioDocument Template(string key) => ScenarioLibrary.All.Single(t => t.Key == key).Document;

    private static string Explain(ScenarioStudio.Practice.Assessment a) =>
        $"{a.Overall}: {string.Join("; ", a.Criteria.Select(c => $"{c.Name} {c.Score}"))} | {string.Join(" ", a.ToImprove)}";

    [Theory]
    [MemberData(nameof(Phases))]
    public void The_ideal_response_scores_at_least_85(string key, int phase)
    {
        var doc = Template(key);
        var a = Judge.Assess(doc, phase, doc.Phases[phase].IdealResponse);
        Assert.True(a.Overall >= 85, $"{key} phase {phase}: {Explain(a)}");
        Assert.True(a.ObjectiveMet);
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void The_better_version_keeps_the_learners_good_sentence_and_replaces_the_rest_from_the_ideal(string key, int phase)
    {
        var doc = Template(key);
        var ideal = Text.Sentences(doc.Phases[phase].IdealResponse);
        var said = ideal.MaxBy(x => x.Length)!; // the learner said the ideal's longest sentence, their way
        var own = "So, " + char.ToLowerInvariant(said[0]) + said[1..];
        var answer = own + " I'll take another 15% off today, whatever it costs us.";

        var better = Judge.Assess(doc, phase, answer).BetterVersion;

        Assert.Contains(own, better, StringComparison.Ordinal);
        Assert.All(ideal.Where(x => x != said), sentence => Assert.Contains(sentence, better, StringComparison.Ordinal));
        Assert.DoesNotContain("15%", better, StringComparison.Ordinal);
        // Nothing close to keep: the ideal response as the creator wrote it.
        Assert.Equal(doc.Phases[phase].IdealResponse, Judge.Assess(doc, phase, "The weather was lovely in Lisbon last week.").BetterVersion);
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Stuffing_empty_off_topic_and_rude_answers_score_at_most_30(string key, int phase)
    {
        var doc = Template(key);
        var p = doc.Phases[phase];
        string[] bad =
        [
            "",
            "   ",
            "ok",
            "The weather in Lisbon was lovely last week and my cousin bought a new bicycle.",
            "That's your own fault, not my problem. Calm down and read the policy.",
            string.Join(" ", p.KeyVocabulary) + ". " + string.Join(", ", p.EssentialPhrases) + ".",
            string.Join(", ", p.EssentialPhrases.Concat(p.KeyVocabulary)),
        ];
        foreach (var answer in bad)
        {
            var a = Judge.Assess(doc, phase, answer);
            Assert.True(a.Overall <= 30, $"{key} phase {phase}: '{answer}' scored {Explain(a)}");
            Assert.False(a.ObjectiveMet);
        }
    }

    // Measured on the seeded cases (written by creators before the coach was tuned, never regraded): the floor only
    // rises. The builder shows each miss to the creator; the benchmark measures agreement on the graded set.
    private const int RubricCasesInBandFloor = 218;
    private const int ParaphrasesPassingFloor = 53;

    [Fact]
    public void Every_seeded_phase_ships_rubric_test_cases_and_they_land_in_their_bands_at_least_as_often_as_measured()
    {
        var results = new List<(string Where, RubricTestCase Case, int Score)>();
        foreach (var (key, doc) in ScenarioLibrary.All)
            for (var phase = 0; phase < doc.Phases.Count; phase++)
            {
                var cases = doc.Phases[phase].TestCases;
                Assert.True(cases.Count >= 4, $"{key} phase {phase} ships {cases.Count} test cases");
                Assert.Contains(cases, c => c.Name.Contains("paraphrase", StringComparison.OrdinalIgnoreCase));
                Assert.Contains(cases, c => c.MaxScore <= 30);
                results.AddRange(cases.Select(c => ($"{key} phase {phase}", c, Judge.Assess(doc, phase, c.Answer).Overall)));
            }
        var misses = results.Where(r => r.Score < r.Case.MinScore || r.Score > r.Case.MaxScore).ToList();
        var inBand = results.Count - misses.Count;
        Assert.True(inBand >= RubricCasesInBandFloor, $"{inBand} of {results.Count} in band (floor {RubricCasesInBandFloor}). Misses:\n" +
            string.Join("\n", misses.Select(m => $"{m.Where} '{m.Case.Name}' [{m.Case.MinScore}-{m.Case.MaxScore}]: {m.Score}")));
    }

    [Fact]
    public void Paraphrases_in_the_learners_own_words_pass_at_least_as_often_as_measured()
    {
        var passing = 0;
        var failing = new List<string>();
        foreach (var (key, doc) in ScenarioLibrary.All)
            for (var phase = 0; phase < doc.Phases.Count; phase++)
            {
                var paraphrase = doc.Phases[phase].TestCases.First(c => c.Name.Contains("paraphrase", StringComparison.OrdinalIgnoreCase));
                var a = Judge.Assess(doc, phase, paraphrase.Answer);
                if (a.Overall >= 75 && a.ObjectiveMet) passing++; else failing.Add($"{key} phase {phase}: {Explain(a)}");
            }
        Assert.True(passing >= ParaphrasesPassingFloor, $"{passing} paraphrases pass (floor {ParaphrasesPassingFloor}):\n" + string.Join("\n", failing));
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void The_ideal_plus_a_common_mistake_scores_under_60(string key, int phase)
    {
        var doc = Template(key);
        var p = doc.Phases[phase];
        var mistake = Judge.Material(doc, phase).Mistakes.FirstOrDefault(m => !m.IsOmission && (!m.IsWording || m.QuotedForms.Count > 0));
        if (mistake is null) return; // every mistake of this phase is something left out (the requirements catch those) or a single word
        var said = mistake.QuotedForms.Count > 0 ? string.Join(' ', mistake.QuotedForms[0]) : mistake.Text;
        var a = Judge.Assess(doc, phase, p.IdealResponse + " " + said + ".");
        Assert.True(a.Overall < 60, $"{key} phase {phase}: + '{said}' scored {Explain(a)}");
        Assert.Contains(a.ToImprove, t => t.Contains(mistake.Text, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void A_repeat_that_adds_the_missing_part_scores_higher(string key, int phase)
    {
        var doc = Template(key);
        var sentences = Text.Sentences(doc.Phases[phase].IdealResponse);
        var first = string.Join(" ", sentences.Take(Math.Max(1, sentences.Count / 2)));
        var before = Judge.Assess(doc, phase, first);
        var after = Judge.Assess(doc, phase, doc.Phases[phase].IdealResponse);
        Assert.True(after.Overall > before.Overall, $"{key} phase {phase}: repeat {after.Overall} <= first {before.Overall}");
    }

    [Fact]
    public void An_invented_discount_caps_the_score_and_is_named()
    {
        var doc = Template("sales-software-renewal-price");
        var ideal = doc.Phases[2].IdealResponse;
        var clean = Judge.Assess(doc, 2, ideal);
        var spoiled = Judge.Assess(doc, 2, ideal + " And if you sign today I'll take another 25% off on top.");
        Assert.True(clean.Overall >= 85);
        Assert.True(spoiled.Overall <= 45, Explain(spoiled));
        Assert.Contains(spoiled.ToImprove, t => t.Contains("25%", StringComparison.Ordinal));
    }

    [Fact]
    public void Saying_the_opposite_of_any_ideal_sentence_is_wrong_substance()
    {
        var doc = Template("language-restaurant-dinner");
        var ideal = doc.Phases[2].IdealResponse;
        Assert.Contains("We'd like to split the bill between two cards", ideal, StringComparison.Ordinal);
        var opposite = Judge.Assess(doc, 2, ideal.Replace("We'd like to split the bill between two cards, if that's all right.",
            "We don't want to split the bill between two cards.", StringComparison.Ordinal));
        Assert.True(opposite.Overall <= 40, Explain(opposite));
        Assert.Contains(opposite.ToImprove, t => t.Contains("don't want to split the bill", StringComparison.Ordinal));
    }

    [Fact]
    public void A_criterion_that_names_figures_is_met_only_as_far_as_the_answer_states_them()
    {
        var doc = Template("collections-promise-to-pay");
        var criterion = doc.Phases[1].SuccessCriteria.Single(c => c.Contains("£96", StringComparison.Ordinal));
        var withFigures = Judge.Read(doc, 1, "Thank you, that's confirmed. You're £96 behind, with a £12 late fee on top. When will your client pay you?")!;
        var without = Judge.Read(doc, 1, "Thank you, that's confirmed. You're behind on the card, with a late fee on top. When will your client pay you?")!;
        double Credit(Findings f) => f.Requirements.Single(r => r.Requirement.Text == criterion).Credit;
        Assert.True(Credit(withFigures) > 0.5, $"{Credit(withFigures)}");
        Assert.Equal(0, Credit(without));
    }

    [Fact]
    public void Negation_flips_a_matched_fact()
    {
        var doc = Template("language-doctor-appointment");
        var phase = doc.Phases.FindIndex(p => p.IdealResponse.Contains("allergic", StringComparison.OrdinalIgnoreCase));
        Assert.True(phase >= 0);
        var ideal = Judge.Assess(doc, phase, doc.Phases[phase].IdealResponse);
        var flipped = Judge.Assess(doc, phase, doc.Phases[phase].IdealResponse.Replace("I'm allergic", "I'm not allergic", StringComparison.OrdinalIgnoreCase));
        Assert.True(flipped.Overall < ideal.Overall - 25, $"{ideal.Overall} vs {Explain(flipped)}");
        Assert.False(flipped.ObjectiveMet);
    }

    [Fact]
    public void Rudeness_is_judged_in_context_and_typos_do_not_hide_a_good_answer()
    {
        var doc = Template("support-refund-outside-window");
        var ideal = doc.Phases[0].IdealResponse;
        var courteous = Judge.Assess(doc, 0, "Whatever our 30-day returns period says, I'd like to help. " + ideal);
        Assert.True(courteous.Overall >= 80, Explain(courteous));
        var blaming = Judge.Assess(doc, 0, ideal + " Honestly, that's your own fault for waiting so long.");
        Assert.True(blaming.Overall <= 30, Explain(blaming));
        var typos = Judge.Assess(doc, 0,
            ideal.Replace("Thanks", "Thnaks").Replace("confirm", "confrim").Replace("upfront", "upfornt").Replace("properly", "propperly"));
        Assert.True(typos.Overall >= 80, Explain(typos));
    }

    [Fact]
    public void A_phrase_to_avoid_said_in_other_words_costs_points_and_is_named()
    {
        var doc = Template("support-refund-outside-window"); // avoids "it's company policy", "there's nothing I can do"
        var ideal = doc.Phases[0].IdealResponse;
        var clean = Judge.Assess(doc, 0, ideal);
        var spoiled = Judge.Assess(doc, 0, ideal + " Sorry, that's just the policy of the company.");
        Assert.True(spoiled.Overall <= clean.Overall - 10, $"{clean.Overall} -> {Explain(spoiled)}");
        Assert.Contains(spoiled.ToImprove, t => t.Contains("it's company policy", StringComparison.Ordinal));
    }

    [Fact]
    public void Scores_are_deterministic_and_every_criterion_quotes_its_evidence()
    {
        var doc = Template("support-refund-outside-window");
        var answer = doc.Phases[0].TestCases.First(c => c.Name.Contains("paraphrase", StringComparison.OrdinalIgnoreCase)).Answer;
        var a = Judge.Assess(doc, 0, answer);
        var b = Judge.Assess(doc, 0, answer);
        Assert.Equal(ScenarioJson.Serialize(a), ScenarioJson.Serialize(b));
        Assert.Equal(doc.Rubric.Select(r => r.Name), a.Criteria.Select(c => c.Name));
        Assert.All(a.Criteria, c => Assert.False(string.IsNullOrWhiteSpace(c.Evidence)));
        // The learner's own sentence is quoted as the evidence for what went well.
        Assert.Contains(a.WentWell, w => Text.Sentences(answer).Any(s => w.Contains("“" + s[..Math.Min(s.Length, 40)], StringComparison.Ordinal)));
        // The better version is made of the ideal response's sentences and the learner's own good ones, nothing else.
        var allowed = Text.Sentences(doc.Phases[0].IdealResponse).Concat(Text.Sentences(answer)).Select(x => x.Trim()).ToHashSet();
        Assert.All(Text.Sentences(a.BetterVersion), sentence => Assert.Contains(sentence.Trim(), allowed));
    }
}

using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// Turns the coach's findings into scores and words. Each rubric criterion is scored from the requirements that
/// belong to it (by the meaning of its description) and its own kind of evidence; the limits (keyword lists, rudeness,
/// wrong figures, common mistakes, contradictions, off-topic or one-line answers) cap the overall score whatever else
/// the answer contains. Every criterion says why, quoting the learner's own sentence.
/// </summary>
public static class CoachVerdict
{
    public static Assessment Score(ScenarioDocument scenario, Findings f, CoachTuning t)
    {
        var m = f.Material;
        var criteria = scenario.Rubric
            .Select((c, i) => ScoreCriterion(c, i < m.CriterionRequirementWeights.Count ? m.CriterionRequirementWeights[i] : null, f))
            .ToList();
        var totalWeight = Math.Max(1, scenario.Rubric.Sum(c => c.Weight));
        var overall = scenario.Rubric.Count == 0
            ? f.Content * 100
            : criteria.Zip(scenario.Rubric, (s, c) => s.Score * (double)c.Weight).Sum() / totalWeight;

        var (cap, reasons) = Caps(f, t);
        if (Environment.GetEnvironmentVariable("COACH_DEBUG") is not null) Debug(f, criteria, overall, cap, reasons);
        overall = Math.Min(overall, cap);
        var wrongForms = f.Mistakes.Count(x => x.Mistake.QuotedForms.Count > 0);
        // The phase teaches this wording: saying the wrong form it warns against is not yet a pass.
        if (wrongForms > 0) overall = Math.Min(overall, 58) - 8 * (wrongForms - 1);
        // Grammar is taught in language scenarios and costs there; elsewhere a slip costs little.
        overall -= (scenario.Domain == ScenarioDomain.Language ? t.GrammarSlipCost : 2) * f.Reading.GrammarSlips.Count;
        // Softened ("I'm afraid it's company policy"), a phrase to avoid still costs points, not the harm cap.
        overall -= 15 * f.Avoided.Except(f.HarshlyAvoided ?? []).Count();
        var score = (int)Math.Round(Math.Clamp(overall, 0, 100));
        if (cap <= 30) criteria = criteria.Select(c => c with { Score = Math.Min(c.Score, Math.Max(score, (int)cap)) }).ToList();

        return new Assessment(score, criteria, WentWell(f), ToImprove(f, reasons, score), BetterVersion(f), score >= CoachJudge.PassScore);
    }

    /// <summary>COACH_DEBUG: what the score is made of, and each cap applied with its reason.</summary>
    private static void Debug(Findings f, List<CriterionScore> criteria, double overall, double cap, List<string> reasons)
    {
        var e = Console.Error;
        e.WriteLine($"  COACH_DEBUG phase {f.Material.Phase.Name}: {f.Reading.Answer}");
        e.WriteLine($"  content {f.Content:F2} (ideal coverage {f.IdealCoverage:F2}), weighted criteria {overall:F1}, cap {cap:F0}");
        foreach (var r in f.Requirements)
            e.WriteLine($"    req {r.Credit:F2}{(r.Contradicted ? " CONTRADICTED" : "")} [{r.Requirement.Kind}] {r.Requirement.Text}" +
                (r.Sentence is null ? "" : $" <- {r.Sentence.Text}"));
        foreach (var s in f.Reading.Sentences)
            e.WriteLine($"    sentence{(s.IsSalad ? " SALAD" : "")}{(s.IsFragment ? " FRAGMENT" : "")}: {s.Text}");
        e.WriteLine($"    salad share {f.Reading.SaladShare:F2}, recited {f.Reading.Recited}, rude share {f.RudeShare:F2}, harsh share {f.HarshShare:F2}, " +
            $"off-topic {f.OffTopic}, ends forward {f.EndsForward}");
        if (f.Rude.Count > 0) e.WriteLine($"    rude: {string.Join(" | ", f.Rude)}");
        if (f.Avoided.Count > 0) e.WriteLine($"    avoided: {string.Join(" | ", f.Avoided)} (blunt: {string.Join(" | ", f.HarshlyAvoided ?? [])})");
        if (f.Unsupported.Count > 0) e.WriteLine($"    unsupported: {string.Join(" | ", f.Unsupported)}");
        if (f.WrongFigures.Count > 0) e.WriteLine($"    wrong figures: {string.Join(" | ", f.WrongFigures.Select(x => x.Text))}");
        foreach (var (mistake, said) in f.Mistakes) e.WriteLine($"    mistake: {mistake.Text} <- {said}");
        foreach (var (said, ideal) in f.Opposes ?? []) e.WriteLine($"    opposes: {said} <> {ideal}");
        foreach (var c in criteria) e.WriteLine($"    criterion {c.Name} {c.Score}");
        foreach (var r in reasons) e.WriteLine($"    cap/harm: {r}");
    }

    /// <summary>How close a learner's sentence must be to an ideal one to stand in for it in the better version.</summary>
    private const double KeepSimilarity = 0.7;

    /// <summary>
    /// The ideal response adapted to what the learner said: each ideal sentence the learner already said in their own
    /// words (close in meaning, with its facts, not contradicted) is kept as they said it, and the others come from the
    /// ideal response, in its order. Only clean sentences are kept: none holding a common mistake, a wrong figure,
    /// rudeness or an unsupported promise, so the better version never repeats what capped the score.
    /// </summary>
    internal static string BetterVersion(Findings f)
    {
        var m = f.Material;
        var flagged = f.Mistakes.Select(x => x.Said).Concat(f.Rude).Concat(f.Unsupported).ToHashSet();
        var wrong = f.WrongFigures.Select(x => x.Text).ToList();
        var usable = f.Reading.Evidence
            .Where(s => !s.IsFragment && !flagged.Contains(s.Text) && !wrong.Any(w => s.Text.Contains(w, StringComparison.Ordinal)))
            .ToList();
        var kept = new HashSet<AnswerSentence>();
        var parts = m.Ideal.Select(ideal =>
        {
            var (best, similarity) = usable.Where(s => !kept.Contains(s))
                .Select(s => (s, CoachJudge.Sim(s.Vector, ideal.Vector))).OrderByDescending(x => x.Item2).FirstOrDefault();
            var keep = best is not null && similarity >= KeepSimilarity
                && ideal.Figures.All(fact => Text.Figures(best.Text).Any(said => said.Value == fact.Value))
                && !Negation.Contradicts(best.Words, ideal.Words, m.KeyStems, best.ClauseBreaks);
            if (!keep) return ideal.Text;
            kept.Add(best!);
            return best!.Text.Trim();
        }).ToList();
        // Nothing of theirs to keep: the ideal response as the creator wrote it, paragraphs and all.
        return kept.Count == 0 ? m.Phase.IdealResponse : string.Join(" ", parts);
    }

    private static CriterionScore ScoreCriterion(RubricCriterion criterion, double[]? weights, Findings f)
    {
        var own = weights is null || f.Requirements.Count == 0 ? f.Content : f.Requirements.Select((r, i) => weights[i] * r.Credit).Sum();
        var relevant = 0.5 * own + 0.5 * f.Content;
        var top = weights is null ? [] : f.Requirements.Select((r, i) => (r, w: weights[i])).OrderByDescending(x => x.w).Take(2).Select(x => x.r).ToList();
        string Met() => Describe(top);

        var key = criterion.Name.ToLowerInvariant();
        (double score, string evidence) = key switch
        {
            _ when key.Contains("vocab") => Vocabulary(f, relevant),
            _ when key.Contains("phrase") => Phrases(f, relevant),
            _ when key.Contains("grammar") || key.Contains("fluency") || key.Contains("clarity") => Fluency(f, relevant),
            _ when key.Contains("verif") || key.Contains("compliance") => Verification(f, relevant, Met()),
            _ when key.Contains("document") => Documentation(f, relevant, Met()),
            _ when key.Contains("accura") || key.Contains("negotiat") || key.Contains("objection") =>
                (relevant * (f.WrongFigures.Count > 0 ? 0.35 : 1) * (f.Mistakes.Count > 0 ? 0.5 : 1),
                 f.WrongFigures.Count > 0 ? $"States {Quote(f.WrongFigures.Select(x => x.Text))}, which the scenario's facts do not support. {Met()}"
                 : f.Mistakes.Count > 0 ? $"Common mistake: {f.Mistakes[0].Mistake.Text}. {Met()}" : Met()),
            _ when key.Contains("empath") || key.Contains("polite") || key.Contains("communicat") || key.Contains("confiden")
                || key.Contains("cultur") || key.Contains("tone") =>
                Tone(f, relevant, Met()),
            _ when key.Contains("clos") || key.Contains("commitment") || key.Contains("task") || key.Contains("structure") =>
                (0.75 * relevant + (f.EndsForward ? 0.25 : 0),
                    (f.EndsForward ? "Ends with a question or a next step. " : "Does not end with a question or a next step. ") + Met()),
            _ when key.Contains("time") || key.Contains("efficien") =>
                (0.85 * f.Content + 0.15 * Concise(f), Met()),
            _ => (relevant, Met()),
        };
        return new CriterionScore(criterion.Name, (int)Math.Round(Math.Clamp(score, 0, 1) * 100), evidence.Trim());
    }

    private static (double, string) Vocabulary(Findings f, double relevant)
    {
        var evidenceWords = f.Reading.Evidence.SelectMany(s => s.Words).ToList();
        var used = f.Material.Vocabulary.Where(v => Text.ContainsFuzzy(evidenceWords, v.Words)).Select(v => v.Word).ToList();
        var rate = f.Material.Vocabulary.Count == 0 ? 1 : Math.Min(1, used.Count / (double)Math.Min(3, f.Material.Vocabulary.Count));
        var missing = f.Material.Vocabulary.Select(v => v.Word).Except(used).Take(3).ToList();
        return (0.35 * rate + 0.65 * relevant,
            (used.Count > 0 ? $"Used {Quote(used)} in real sentences." : "None of the key words in a real sentence.")
                + (missing.Count > 0 ? $" Could also use {Quote(missing)}." : ""));
    }

    private static (double, string) Phrases(Findings f, double relevant)
    {
        var evidence = f.Reading.Evidence.ToList();
        var words = evidence.SelectMany(s => s.Words).ToList();
        var exact = new List<string>();
        var close = new List<string>();
        foreach (var (phrase, phraseWords, vector) in f.Material.EssentialPhrases)
        {
            if (Text.ContainsFuzzy(words, phraseWords)) exact.Add(phrase);
            else if (evidence.Any(s => CoachJudge.Sim(s.Vector, vector) >= 0.62)) close.Add(phrase);
        }
        var available = Math.Min(3, Math.Max(1, f.Material.EssentialPhrases.Count));
        var rate = f.Material.EssentialPhrases.Count == 0 ? 1 : Math.Min(1, (exact.Count + 0.6 * close.Count) / available);
        var text = exact.Count > 0 ? $"Used {Quote(exact)}." : "None of the phase's phrases word for word.";
        if (close.Count > 0) text += $" Close to {Quote(close.Take(2))} in your own words.";
        return (0.4 * rate + 0.6 * relevant, text);
    }

    private static (double, string) Fluency(Findings f, double relevant)
    {
        var grammar = f.Mistakes.Where(x => x.Mistake.QuotedForms.Count > 0).ToList();
        var slips = f.Reading.GrammarSlips;
        var sentences = f.Reading.Evidence.Count();
        var quality = 1 - 0.25 * grammar.Count - 0.2 * slips.Count - 0.04 * Math.Min(5, f.Reading.Typos) - f.Reading.SaladShare;
        var length = Math.Clamp(f.Reading.Words.Count / 18.0, 0, 1);
        var score = 0.45 * Math.Max(0, quality) * length + 0.55 * relevant;
        var text = $"{f.Reading.Words.Count} words in {Math.Max(1, sentences)} full sentence(s).";
        if (grammar.Count > 0) text += $" Wrong form: {Quote(grammar.Select(g => g.Said))} ({grammar[0].Mistake.Text}).";
        if (slips.Count > 0) text += $" Grammar: {string.Join("; ", slips)}.";
        if (f.Reading.Typos > 0) text += $" {f.Reading.Typos} spelling slip(s).";
        return (score, text);
    }

    private static (double, string) Verification(Findings f, double relevant, string met)
    {
        var named = f.Material.Facts
            .Where(x => Text.ContainsFuzzy(f.Reading.Words, Text.Words(x.Label)) || Text.ContainsFuzzy(f.Reading.Words, Text.Words(x.Value)))
            .Select(x => x.Label)
            .ToList();
        var checks = named.Count > 0
            || Text.CountCues(f.Reading.Words, ["verify", "confirm", "security", "date of birth", "postcode", "identity", "check"]) > 0;
        return (0.8 * relevant + (checks ? 0.2 : 0),
            (named.Count > 0 ? $"Checks {Quote(named.Take(3))}. "
                : checks ? "Checks the details before going on. "
                : "No check of identity or details. ") + met);
    }

    private static (double, string) Documentation(Findings f, double relevant, string met)
    {
        var references = f.Reading.Figures.Where(x => x.Kind == "reference" && !f.WrongFigures.Contains(x)).Select(x => x.Text).ToList();
        var records = Text.CountCues(f.Reading.Words,
            ["note", "record", "log", "reference", "case", "email", "in writing", "confirmation", "send", "summary", "text"]) > 0;
        return (0.8 * relevant + (references.Count > 0 ? 0.2 : records ? 0.12 : 0),
            (references.Count > 0 ? $"Gives the reference {Quote(references)}. "
                : records ? "Says what is recorded or sent. "
                : "Does not say what is recorded or sent. ") + met);
    }

    private static (double, string) Tone(Findings f, double relevant, string met)
    {
        var politeness = Courtesy.Politeness(f.Reading.Words);
        var score = (0.7 * relevant + 0.3 * politeness) * (f.Rude.Count > 0 ? 0.2 : 1) * (f.Avoided.Count > 0 ? 0.6 : 1);
        var text = f.Rude.Count > 0 ? $"Rude or blaming: {Quote(f.Rude)}. "
            : f.Avoided.Count > 0 ? $"Used a phrase to avoid: {Quote(f.Avoided)}. "
            : politeness > 0 ? "Courteous and acknowledges the customer. " : "Correct but cold: no acknowledgement or courtesy. ";
        return (score, text + met);
    }

    private static double Concise(Findings f)
    {
        var idealWords = Math.Max(10, Text.Words(f.Material.Phase.IdealResponse).Count);
        var ratio = f.Reading.Words.Count / (double)idealWords;
        return ratio is >= 0.4 and <= 1.8 ? 1 : ratio < 0.4 ? ratio / 0.4 : Math.Max(0, 1 - (ratio - 1.8));
    }

    /// <summary>
    /// The limits on the overall score, following the grading scale a trainer uses: a few words, a keyword list, a
    /// rude answer or an off-topic one is 0–29 whatever it contains; an answer that says the opposite of what is needed
    /// (wrong substance) stays under 30; one harmful element in an otherwise decent answer (a common mistake, a wrong
    /// or invented figure, a promise nothing backs, an amount before verification, a rude aside) drops it to about 40
    /// (a rude or blaming aside to 30), and each further kind of harm lowers that again.
    /// </summary>
    private static (double Cap, List<string> Reasons) Caps(Findings f, CoachTuning t)
    {
        var cap = 100.0;
        var reasons = new List<string>();
        void Limit(double value, string reason) { if (value < cap) cap = value; reasons.Add(reason); }
        if (f.Reading.Words.Count < 5) Limit(15, "Answer in full sentences: a few words cannot meet the customer's need.");
        else if (f.Reading.Words.Count < 10) Limit(45, "Say more: one short line leaves most of the customer's need unanswered.");
        if (f.Reading.SaladShare >= 0.5) Limit(20, "Speak in sentences: a list of keywords or recited phrases does not answer the customer.");
        else if (f.Reading.SaladShare >= 0.25) Limit(28, "Part of the answer is a list of keywords; say what you mean in sentences.");
        if (f.OffTopic) Limit(15, "Answer what the customer actually said.");

        var harms = 0;
        void Harm(string reason) { harms++; reasons.Add(reason); }
        if (f.Rude.Count > 0)
        {
            // A rude aside needs an otherwise decent answer around it; otherwise the answer is rude.
            if (f.RudeShare >= t.RudeAnswerShare || f.Reading.Words.Count * (1 - f.RudeShare) < t.AsideAnswerWords)
                // Substantially right in the wrong tone ("Look, you have to commit to a date… If you miss it, that's on you.")
                // is a wrong-tone answer, not a rude one that says nothing of use.
                Limit(f.Content >= t.WrongToneContent ? t.WrongToneCap : t.RudeAnswerCap,
                    $"Stay courteous: {Quote(f.Rude)} will lose the customer.");
            else
            {
                // Blame or rudeness aimed at the customer outweighs other harms: the customer remembers it.
                Harm($"Stay courteous: {Quote(f.Rude)} undoes the rest of a good answer.");
                cap = Math.Min(cap, t.RudeAsideCap);
            }
        }
        // A phrase the scenario says to avoid, said bluntly, is one harmful element (softened it only costs tone).
        // Most of the answer said that way is its tone: the wrong tone (capped at 30), not one harmful element.
        if (f.HarshlyAvoided is { Count: > 0 } harsh)
        {
            var reason = $"Avoid {Quote(harsh)}: the scenario lists it as a phrase that puts customers off.";
            if (f.HarshShare >= t.RudeAnswerShare || f.Reading.Words.Count * (1 - f.HarshShare) < t.AsideAnswerWords) Limit(t.WrongToneCap, reason);
            else Harm(reason);
        }
        if (f.DisclosedBeforeVerification.Count > 0)
            Harm($"Verify first: {Quote(f.DisclosedBeforeVerification)} must not be discussed until the customer has passed verification.");
        if (f.Unsupported.Count > 0) Harm($"Only promise what the scenario allows: nothing in the policy backs {Quote(f.Unsupported.Take(1))}.");
        if (f.WrongFigures.Count > 0)
            Harm($"Check your figures: {Quote(f.WrongFigures.Select(x => x.Text))} is not what the scenario's facts say or allow.");
        var commission = f.Mistakes.Where(x => x.Mistake.QuotedForms.Count == 0).ToList();
        if (commission.Count > 0)
        {
            Harm($"Common mistake: {commission[0].Mistake.Text} (you said {Quote([commission[0].Said])}).");
            harms += commission.Count - 1;
        }
        var contradicted = f.Requirements.Where(r => r.Contradicted).ToList();
        if (contradicted.Count > 0)
        {
            Harm(contradicted[0].Requirement.IsProhibition
                ? $"That does what the phase rules out: {contradicted[0].Requirement.Text}" + (contradicted[0].Sentence is { } s ? $" (you said {Quote([s.Text])})." : ".")
                : $"That says the opposite of what is needed: {contradicted[0].Requirement.Text}.");
            cap = Math.Min(cap, t.ContradictionCap);
        }
        if (contradicted.Count == 0 && f.Opposes is [var (said, ideal), ..])
        {
            Harm($"That says the opposite of what the situation needs: you said {Quote([said])}, where the better answer says {Quote([ideal])}.");
            cap = Math.Min(cap, t.ContradictionCap);
        }
        if (harms > 0) cap = Math.Min(cap, t.HarmCap - t.FurtherHarmCost * (harms - 1));
        // Partly there: a success criterion that names the verification facts to ask for, with only some of them asked
        // for, is not yet a pass (verification is all the facts or none).
        var words = f.Reading.Words.ToHashSet();
        var partial = f.Requirements.FirstOrDefault(r => r.Requirement.Kind == "success" && r.Requirement.NamedFacts.Count > 1
            && r.Requirement.NamedFacts.Any(l => l.Any(words.Contains)) && !r.Requirement.NamedFacts.All(l => l.Any(words.Contains)));
        if (partial is not null) Limit(t.PartialVerificationCap, $"Not yet a pass: {Lower(partial.Requirement.Text)}, every one of them.");
        return (cap, reasons);
    }

    /// <summary>One line per learner sentence that did the work, naming what it achieved (success criteria first).</summary>
    private static List<string> WentWell(Findings f)
    {
        var list = f.Requirements.Where(r => r.Credit >= 0.6 && r.Sentence is not null)
            .GroupBy(r => r.Sentence!.Text)
            .OrderByDescending(g => g.Max(r => r.Credit)).Take(3)
            .Select(g => $"“{Clip(g.Key)}” {Lower(g.OrderBy(r => r.Requirement.Kind == "success" ? 0 : 1).First().Requirement.Text)}.")
            .ToList();
        if (f.EndsForward && list.Count > 0) list.Add("You ended by moving the conversation forward.");
        return list;
    }

    private static List<string> ToImprove(Findings f, List<string> reasons, int score)
    {
        var list = new List<string>(reasons);
        foreach (var g in f.Mistakes.Where(x => x.Mistake.QuotedForms.Count > 0)) list.Add($"Watch the wording: {g.Mistake.Text}.");
        if (f.Reading.GrammarSlips.Count > 0) list.Add($"Grammar: {string.Join("; ", f.Reading.GrammarSlips)}.");
        if (f.Avoided.Except(f.HarshlyAvoided ?? []).ToList() is { Count: > 0 } softened) list.Add($"Avoid {Quote(softened)}.");
        var missed = f.Requirements.Where(r => r.Credit < 0.5 && !r.Contradicted).Select(r => r.Requirement.Text).Distinct().Take(3).ToList();
        if (missed.Count > 0) list.Add("Not yet: " + string.Join("; ", missed) + ".");
        if (!f.EndsForward) list.Add("End with a question or a concrete next step.");
        if (!string.IsNullOrWhiteSpace(f.Material.Phase.CoachingNotes) && score < 85) list.Add(f.Material.Phase.CoachingNotes.Trim());
        return list;
    }

    /// <summary>A criterion's evidence: the learner's sentence for what it met (each sentence once), then what it missed.</summary>
    private static string Describe(IReadOnlyList<RequirementResult> top)
    {
        var parts = new List<string>();
        var quoted = new HashSet<string>();
        foreach (var r in top)
        {
            if (r.Credit >= 0.5 && r.Sentence is not null)
                parts.Add(quoted.Add(r.Sentence.Text) ? $"Met “{r.Requirement.Text}”: “{Clip(r.Sentence.Text)}”" : $"Met “{r.Requirement.Text}”");
            else parts.Add(r.Contradicted ? $"Says the opposite of “{r.Requirement.Text}”" : $"Missed: {r.Requirement.Text}");
        }
        return string.Join(". ", parts) + (parts.Count > 0 ? "." : "");
    }

    /// <summary>A long sentence shortened for a quote, at a word boundary.</summary>
    private static string Clip(string sentence)
    {
        const int max = 110;
        var s = sentence.Trim();
        if (s.Length <= max) return s;
        var cut = s.LastIndexOf(' ', max);
        return s[..(cut > 40 ? cut : max)].TrimEnd(',', ';', ':') + "…";
    }

    private static string Lower(string s) =>
        s.Length > 0 && char.IsUpper(s[0]) && (s.Length == 1 || !char.IsUpper(s[1])) ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    private static string Quote(IEnumerable<string> items) => string.Join(", ", items.Select(i => $"“{i}”"));
}

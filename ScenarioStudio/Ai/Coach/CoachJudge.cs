using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai.Coach;

/// <summary>How one requirement (success criterion or objective) fared, with the learner's sentence that met it.</summary>
public sealed record RequirementResult(Requirement Requirement, double Credit, AnswerSentence? Sentence, bool Contradicted);

/// <summary>Everything the coach found in one answer; the scores and the feedback are both read off it.</summary>
public sealed record Findings(
    PhaseMaterial Material,
    AnswerReading Reading,
    IReadOnlyList<RequirementResult> Requirements,
    double IdealCoverage,
    double Content,
    IReadOnlyList<(Mistake Mistake, string Said)> Mistakes,
    IReadOnlyList<Text.Figure> WrongFigures,
    IReadOnlyList<string> DisclosedBeforeVerification,
    IReadOnlyList<string> Unsupported,
    IReadOnlyList<string> Rude,
    IReadOnlyList<string> Avoided,
    bool OffTopic,
    bool EndsForward,
    double RudeShare = 0,
    IReadOnlyList<(string Said, string Ideal)>? Opposes = null,
    IReadOnlyList<string>? HarshlyAvoided = null,
    double HarshShare = 0);

/// <summary>
/// The offline coach's judgement. An answer is read sentence by sentence and judged against what the creator authored
/// for the phase: each success criterion and objective is met by the learner's best-matching sentence (by meaning,
/// through sentence embeddings, so their own words count), common mistakes and phrases to avoid are detected by
/// meaning or by their quoted words, every figure is checked against the scenario's facts, negation flips a match,
/// and keyword lists carry no evidence. Each rubric criterion is scored from the requirements that belong to it and
/// its own kind of evidence. Deterministic: the same answer to the same scenario always gets the same assessment.
/// </summary>
public sealed class CoachJudge(EmbeddingCache embeddings, CoachTuning? tuning = null)
{
    public const int PassScore = 70;
    private readonly CoachTuning t = tuning ?? CoachTuning.Default;
    private readonly MemoryCache materials = new(new MemoryCacheOptions { SizeLimit = 2_000 });
    private readonly Lazy<float[][]> rudePrototypes = new(() => embeddings.Embed(Courtesy.RudePrototypes));

    public Assessment Assess(ScenarioDocument scenario, int phaseIndex, string answer)
    {
        var findings = Read(scenario, phaseIndex, answer);
        return findings is null
            ? new Assessment(0, scenario.Rubric.Select(c => new CriterionScore(c.Name, 0, "No answer was given.")).ToList(),
                [], ["Answer the customer: say something, even a short first sentence."], scenario.Phases[phaseIndex].IdealResponse, false)
            : CoachVerdict.Score(scenario, findings, t);
    }

    /// <summary>What the coach finds in an answer (scored by <see cref="Assess"/>, reacted to by the offline customer); null for an empty answer.</summary>
    public Findings? Read(ScenarioDocument scenario, int phaseIndex, string answer)
    {
        if (Text.Words(answer).Count == 0) return null;
        var material = Material(scenario, phaseIndex);
        return Judge(material, AnswerReading.Read(answer, material, embeddings), rudePrototypes.Value, t);
    }

    /// <summary>The phase's prepared material, built once per version of the scenario's text.</summary>
    public PhaseMaterial Material(ScenarioDocument scenario, int phaseIndex)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ScenarioJson.Serialize(scenario)))) + ":" + phaseIndex;
        return materials.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromHours(12);
            return PhaseMaterial.Build(scenario, phaseIndex, embeddings);
        })!;
    }

    internal static Findings Judge(PhaseMaterial m, AnswerReading r, float[][] rudePrototypes, CoachTuning t)
    {
        var evidence = r.Evidence.ToList();
        var answerValues = r.Figures.Select(f => f.Value).ToHashSet();
        var answerWords = r.Words.ToHashSet();
        // Each sentence's closeness to the nearest ideal sentence and the nearest requirement, used by several checks.
        var toIdeal = evidence.Select(s => m.Ideal.Select(i => Sim(s.Vector, i.Vector)).DefaultIfEmpty(0).Max()).ToArray();
        var toRequirement = evidence.Select(s => m.Requirements.Select(q => Sim(s.Vector, q.Vector)).DefaultIfEmpty(0).Max()).ToArray();

        var requirements = m.Requirements.Where(req => !req.IsProhibition).Select(req =>
        {
            AnswerSentence? best = null;
            double bestCredit = 0, anchorSimilarity = 0;
            foreach (var s in evidence)
            {
                var toAnchor = req.Anchor >= 0 ? Sim(s.Vector, m.Ideal[req.Anchor].Vector) : 0;
                // A description ("Asks about the reason") sits further from any utterance than an utterance does.
                var credit = Math.Max(Ramp(Sim(s.Vector, req.Vector), t.DescriptionLow, t.DescriptionHigh), Ramp(toAnchor, t.Low, t.High));
                if (credit > bestCredit) { bestCredit = credit; best = s; anchorSimilarity = toAnchor; }
            }
            var contradicted = false;
            if (best is not null && req.Anchor >= 0)
            {
                var anchor = m.Ideal[req.Anchor];
                if (anchorSimilarity >= t.ContradictionSimilarity && Negation.Contradicts(best.Words, anchor.Words, m.KeyStems, best.ClauseBreaks))
                {
                    contradicted = true;
                    bestCredit = 0;
                }
                // The ideal sentence states facts (an order number, a date, an amount): saying it without them is half the job.
                var facts = anchor.Figures.Select(f => f.Value).Distinct().ToList();
                if (facts.Count > 0 && bestCredit > 0)
                    bestCredit *= 1 - t.FactsWeight + t.FactsWeight * facts.Count(answerValues.Contains) / facts.Count;
            }
            // "Asks for name, postcode and date of birth": the verification facts a requirement names must each be asked for.
            if (req.NamedFacts.Count > 1 && bestCredit > 0)
                bestCredit *= req.NamedFacts.Count(l => l.Any(answerWords.Contains)) / (double)req.NamedFacts.Count;
            // "States the £96 overdue and the £12 fee": the figures a requirement names must each be stated.
            if (req.StatedFigures is { Count: > 0 } stated && bestCredit > 0)
                bestCredit *= stated.Count(answerValues.Contains) / (double)stated.Count;
            return new RequirementResult(req, bestCredit, bestCredit > 0 ? best : null, contradicted);
        }).ToList();

        // Any sentence, not only a requirement's best one, can negate what an ideal sentence states ("Sorry, I meant she's
        // allergic to nuts, not shellfish" after a sentence that met the allergy requirement): when it is about the same
        // thing (closer than for a requirement's best sentence).
        for (var j = 0; j < requirements.Count; j++)
        {
            var req = requirements[j].Requirement;
            if (requirements[j].Contradicted || req.Anchor < 0) continue;
            var anchor = m.Ideal[req.Anchor];
            var negating = evidence.FirstOrDefault(s => Sim(s.Vector, anchor.Vector) >= t.AnyContradictionSimilarity
                && Negation.Contradicts(s.Words, anchor.Words, m.KeyStems, s.ClauseBreaks));
            if (negating is not null) requirements[j] = requirements[j] with { Credit = 0, Sentence = negating, Contradicted = true };
        }

        // A sentence that says the opposite of any ideal sentence ("so don't split the bill" where the ideal splits it),
        // not only of one a requirement is anchored to.
        var anchoredAndFlagged = requirements.Where(x => x.Contradicted && x.Requirement.Anchor >= 0).Select(x => x.Requirement.Anchor).ToHashSet();
        var opposes = new List<(string Said, string Ideal)>();
        for (var i = 0; i < m.Ideal.Count; i++)
        {
            if (anchoredAndFlagged.Contains(i)) continue;
            var ideal = m.Ideal[i];
            var against = evidence.FirstOrDefault(s => Sim(s.Vector, ideal.Vector) >= t.AnyContradictionSimilarity
                && Negation.Contradicts(s.Words, ideal.Words, m.KeyStems, s.ClauseBreaks));
            if (against is not null) opposes.Add((against.Text, ideal.Text));
        }

        var idealCoverage = m.Ideal.Count == 0
            ? 0
            : m.Ideal.Average(i => Ramp(evidence.Select(s => Sim(s.Vector, i.Vector)).DefaultIfEmpty(0).Max(), t.Low, t.High));

        var mistakes = new List<(Mistake, string)>();
        foreach (var mistake in m.Mistakes)
        {
            var quoted = mistake.QuotedForms.FirstOrDefault(q => Text.ContainsExact(r.Words, q));
            if (quoted is not null) { mistakes.Add((mistake, string.Join(' ', quoted))); continue; }
            if (mistake.IsOmission || mistake.IsWording) continue;
            for (var k = 0; k < evidence.Count; k++)
            {
                var toMistake = Sim(evidence[k].Vector, mistake.Vector);
                // Against the ideal sentences (utterances), and against the requirements (descriptions like the mistake itself).
                if (toMistake >= t.MistakeSimilarity && toMistake >= toIdeal[k] + t.MistakeMargin
                    || toMistake >= t.MistakeDescriptionSimilarity && toMistake >= toRequirement[k] + t.MistakeDescriptionMargin)
                {
                    mistakes.Add((mistake, evidence[k].Text));
                    break;
                }
            }
        }

        var wrongFigures = r.Figures.Where(f => !Authorised(f, m)).ToList();
        // The phase says no amounts until the customer is verified: any amount in this answer comes too early.
        var disclosed = m.AmountsWaitForVerification ? r.Figures.Where(f => f.Kind == "money").Select(f => f.Text).ToList() : [];

        // What the requirements rule out ("Does not offer a discount", "without arguing about the bill"): done in the
        // answer, the requirement fails however well the rest reads. A pure prohibition is never met by resemblance
        // (a sentence about discounts is not one that avoids them): it holds as far as the rest of the answer does
        // the job, and fails when broken.
        var positives = requirements.Count == 0 ? idealCoverage : requirements.Average(x => x.Credit);
        foreach (var req in m.Requirements.Where(q => q.Forbidden is not null))
        {
            var said = Breaks(req.Forbidden!, m.IdealGiveaways, evidence, toIdeal, mistakes, disclosed, t);
            var at = requirements.FindIndex(x => x.Requirement == req);
            if (req.IsProhibition)
                requirements.Add(new RequirementResult(req, said is null ? positives : 0, said is null ? null : said, said is not null));
            else if (said is not null && at >= 0)
                requirements[at] = requirements[at] with { Credit = 0, Sentence = said, Contradicted = true };
        }
        requirements = m.Requirements.Select(q => requirements.First(x => x.Requirement == q)).ToList();
        // A concession or guarantee the scenario never authorises ("I'll take another 15% off", "it'll definitely be
        // back within the hour"): nothing the creator wrote says anything close to it.
        var requirementMean = requirements.Count == 0 ? idealCoverage : requirements.Average(x => x.Credit);
        var content = (1 - t.IdealWeight) * requirementMean + t.IdealWeight * idealCoverage;

        // A question asks for something; it concedes nothing ("Could we look at a discount?").
        var unsupported = evidence.Where(s => !Courtesy.IsQuestion(s.Text, s.Words) && (Courtesy.Ungrounded(s.Words, m.StatedWords).Count > 0
            || Courtesy.Concedes(s.Words) && m.Statements.Select(a => Sim(s.Vector, a)).DefaultIfEmpty(0).Max() < t.SupportSimilarity))
            .Select(s => s.Text).ToList();
        var rudeSentences = Courtesy.RudeSentences(r, rudePrototypes);
        var rude = rudeSentences.Select(x => x.Said).ToList();
        // How much of the answer is rude: a rude answer, or a rude aside in an otherwise courteous one.
        var rudeShare = r.Words.Count == 0 ? 0 : rudeSentences.Select(x => x.Sentence).Distinct().Sum(x => x.Words.Count) / (double)r.Words.Count;
        // A phrase to avoid, in its words (typos allowed) or said another way in a short sentence ("it's just our policy").
        // Each with the sentences that say it: softened there ("I'm afraid you have to…") it is a tone slip, not a harm.
        var avoidedIn = m.PhrasesToAvoid.Select(p => (p.Phrase, Sentences: r.Sentences.Where(s => Said(s.Words, p.Words)
            || !s.IsSalad && s.Words.Count <= 14 && Sim(s.Vector, p.Vector) >= t.AvoidSimilarity).ToList())).Where(x => x.Sentences.Count > 0).ToList();
        var avoided = avoidedIn.Select(x => x.Phrase).ToList();
        var harshlyAvoided = avoidedIn.Where(x => x.Sentences.Any(s => !Courtesy.Softened(s.Words))).Select(x => x.Phrase).ToList();
        // How much of the answer is rude or said in the phrases to avoid ("Give me the chicken. I want water."): the answer's tone.
        var harshShare = r.Words.Count == 0 ? 0 : rudeSentences.Select(x => x.Sentence)
            .Concat(avoidedIn.SelectMany(x => x.Sentences).Where(s => !Courtesy.Softened(s.Words))).Distinct().Sum(x => x.Words.Count) / (double)r.Words.Count;
        var relevance = evidence.Select((s, k) => Math.Max(Sim(s.Vector, m.CustomerVector), Math.Max(toIdeal[k], toRequirement[k]))).DefaultIfEmpty(0).Max();
        var last = evidence.LastOrDefault();
        var endsForward = last is not null && (last.Text.TrimEnd().EndsWith('?') || Courtesy.MovesForward(last.Words));

        return new Findings(m, r, requirements, idealCoverage, content, mistakes, wrongFigures, disclosed, unsupported, rude, avoided,
            relevance < t.OffTopicSimilarity, endsForward, rudeShare, opposes, harshlyAvoided, harshShare);
    }

    /// <summary>
    /// The answer's sentence that does what a requirement rules out: a concession when the ruled-out act is one
    /// ("offer a discount"), an amount before verification when that is what is ruled out, a common mistake that means
    /// the ruled-out act, or a sentence that says it (closer to it than to anything the ideal response says).
    /// </summary>
    private static AnswerSentence? Breaks(Forbidden forbidden, IReadOnlySet<string> idealGiveaways, List<AnswerSentence> evidence, double[] toIdeal,
        List<(Mistake Mistake, string Said)> mistakes, List<string> disclosed, CoachTuning t)
    {
        // A giveaway or promise the phase's ideal response does not itself make ("a free 30GB data boost" is the ideal's offer).
        for (var k = 0; k < evidence.Count && forbidden.IsConcession; k++)
            if (!Courtesy.IsQuestion(evidence[k].Text, evidence[k].Words) && Courtesy.Giveaways(evidence[k].Words).Except(idealGiveaways).Any()
                && toIdeal[k] < t.IdealConcessionSimilarity) return evidence[k];
        if (forbidden.IsBeforeVerification && disclosed.Count > 0)
            return evidence.FirstOrDefault(s => disclosed.Any(d => s.Text.Contains(d, StringComparison.Ordinal)));
        foreach (var (mistake, said) in mistakes)
            if (Sim(mistake.Vector, forbidden.Vector) >= t.ForbiddenMistakeSimilarity)
                return evidence.FirstOrDefault(s => s.Text == said);
        for (var k = 0; k < evidence.Count; k++)
        {
            var toForbidden = Sim(evidence[k].Vector, forbidden.Vector);
            if (Environment.GetEnvironmentVariable("COACH_DEBUG") is not null)
                Console.Error.WriteLine($"    forbid {toForbidden:F2} ideal {toIdeal[k]:F2} [{forbidden.Text}] {evidence[k].Text}");
            // Said in a sentence of its own words, not negated ("There's no pressure" does not pressure).
            if (toForbidden >= t.ForbiddenSimilarity && toForbidden >= toIdeal[k] + t.ForbiddenMargin && Text.Words(forbidden.Text).Count >= 3
                && !evidence[k].Words.Any(Negation.IsNegator)) return evidence[k];
        }
        return null;
    }

    /// <summary>
    /// A figure is authorised when the scenario states it somewhere; a percentage up to the largest one the scenario
    /// allows is within the creator's limit; small counts ("two options", "in 10 minutes") are not checked.
    /// </summary>
    private static bool Authorised(Text.Figure f, PhaseMaterial m)
    {
        // A clock time is checked against the times the scenario gives (when it gives any): "one o'clock" is not "16:00".
        if (f.Kind == "time") return m.KnownFigures.Contains($"time:{f.Value}") || !m.KnownFigures.Any(k => k.StartsWith("time:", StringComparison.Ordinal));
        if (m.KnownFigures.Contains($"{f.Kind}:{f.Value}") || m.KnownFigures.Contains(f.Value)) return true;
        var value = decimal.TryParse(f.Value, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;
        return f.Kind switch
        {
            "percent" => m.MaxKnownPercent > 0 && value <= m.MaxKnownPercent,
            "money" or "reference" or "duration" => false,
            _ => value < 100 || value is >= 1990 and <= 2100,
        };
    }

    /// <summary>
    /// The phrase to avoid, in its words (typos allowed), where it does what it says: a phrase that gives an order
    /// ("give me", "calm down") is an order only when nobody is its subject ("the instructions you give me" orders nothing; "you can give me" still does).
    /// </summary>
    private static bool Said(IReadOnlyList<string> words, IReadOnlyList<string> phrase)
    {
        if (phrase.Count == 0) return false;
        var ordered = !Subjects.Contains(phrase[0]);
        for (var start = 0; start + phrase.Count <= words.Count; start++)
        {
            var all = true;
            for (var k = 0; k < phrase.Count && all; k++) all = Text.SameWord(words[start + k], phrase[k]);
            if (all && !(ordered && start > 0 && Subjects.Contains(words[start - 1]))) return true;
        }
        return false;
    }

    private static readonly HashSet<string> Subjects = ["i", "you", "we", "they", "he", "she", "it", "who", "which", "to"];

    internal static double Sim(float[] a, float[] b) => EmbeddingCache.Similarity(a, b);

    internal static double Ramp(double x, double low, double high) => Math.Clamp((x - low) / (high - low), 0, 1);
}

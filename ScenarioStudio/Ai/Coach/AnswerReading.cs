namespace ScenarioStudio.Ai.Coach;

/// <summary>One sentence of the learner's answer, as written and as the coach reads it.</summary>
/// <param name="IsSalad">A keyword list rather than language: no evidence at all.</param>
/// <param name="IsFragment">One of the phase's phrases recited on its own ("Would that work?"): fine once, stuffing when it is most of the answer.</param>
public sealed record AnswerSentence(string Text, string Corrected, List<string> Words, float[] Vector, bool IsSalad, bool IsFragment)
{
    /// <summary>Indices of the <see cref="Words"/> that start a clause after a comma or the like: a negation stops there.</summary>
    public IReadOnlySet<int> ClauseBreaks { get; } = ScenarioStudio.Ai.Coach.Text.ClauseBreaks(Corrected);
}

/// <summary>
/// The learner's answer read sentence by sentence: typos corrected towards the scenario's words, each sentence
/// embedded, and sentences that are lists of keywords rather than language set apart (they carry no evidence).
/// </summary>
public sealed partial class AnswerReading
{
    public required string Answer { get; init; }
    public required IReadOnlyList<AnswerSentence> Sentences { get; init; }
    public required List<string> Words { get; init; }
    public required IReadOnlyList<Text.Figure> Figures { get; init; }
    public required int Typos { get; init; }
    /// <summary>Common learner-English errors ("must to", "since five days", "allergic of").</summary>
    public required IReadOnlyList<string> GrammarSlips { get; init; }

    /// <summary>Sentences that say something: the only ones that count as evidence.</summary>
    public IEnumerable<AnswerSentence> Evidence => Sentences.Where(s => !s.IsSalad);

    /// <summary>
    /// The whole answer is the phase's phrases and words and (almost) nothing of the learner's own: seven or more of
    /// them, and at most three other content words (an answer that says something names facts, reasons, people), with
    /// a keyword list or a bare phrase somewhere in it.
    /// </summary>
    public required bool Recited { get; init; }

    /// <summary>Share of the answer's words that sit in keyword lists or recited fragments (all of them when the answer is recited).</summary>
    public double SaladShare
    {
        get
        {
            if (Words.Count == 0) return 0;
            if (Recited) return 1;
            var recitation = Sentences.Count >= 2 && Sentences.Count(s => s.IsFragment || s.IsSalad) * 2 > Sentences.Count;
            return Sentences.Where(s => s.IsSalad || recitation && s.IsFragment).Sum(s => s.Words.Count) / (double)Words.Count;
        }
    }

    public static AnswerReading Read(string answer, PhaseMaterial material, EmbeddingCache embeddings)
    {
        var raw = Text.Sentences(answer);
        var corrected = raw.Select(s => Text.CorrectTypos(s, material.Lexicon)).ToList();
        var typos = raw.Zip(corrected).Sum(p => Text.Words(p.First).Zip(Text.Words(p.Second)).Count(w => w.First != w.Second));
        var vectors = embeddings.Embed(corrected);
        var sentences = raw.Select((s, i) =>
        {
            var words = Text.Words(corrected[i]);
            return new AnswerSentence(s, corrected[i], words, vectors[i],
                IsSalad(s, words) || IsRecitation(s, vectors[i], material), IsFragment(words, material));
        }).ToList();
        return new AnswerReading
        {
            Answer = answer,
            Sentences = sentences,
            Words = sentences.SelectMany(s => s.Words).ToList(),
            Figures = Text.Figures(answer),
            Typos = typos,
            GrammarSlips = LearnerGrammar.Slips(answer),
            // Only where the answer also shows it is listing (a keyword list or a phrase on its own somewhere): a language
            // phase's ideal answer can be made of its phrases too, in whole sentences.
            Recited = sentences.Any(x => x.IsSalad || x.IsFragment || IsBarePhrase(x.Words, material))
                && IsRecitedAnswer(sentences.Select(x => x.Words).ToList(), material),
        };
    }

    private static bool IsRecitedAnswer(List<List<string>> sentences, PhaseMaterial material)
    {
        var items = new HashSet<int>();
        var own = 0;
        foreach (var words in sentences)
        {
            var covered = new bool[words.Count];
            for (var i = 0; i < material.PhraseItems.Count; i++)
            {
                var p = material.PhraseItems[i];
                for (var start = 0; start + p.Count <= words.Count; start++)
                {
                    var all = true;
                    for (var k = 0; k < p.Count && all; k++) all = Text.SameWord(words[start + k], p[k]);
                    if (!all) continue;
                    items.Add(i);
                    for (var k = 0; k < p.Count; k++) covered[start + k] = true;
                }
            }
            own += words.Where((w, k) => !covered[k] && Text.IsContentWord(w)).Count();
        }
        return items.Count >= 7 && own <= 3;
    }

    /// <summary>
    /// A keyword list, not a sentence: few function words ("renewal quote payroll integration onboarding budget"),
    /// or a comma list of short items.
    /// </summary>
    private static bool IsSalad(string raw, List<string> words)
    {
        if (words.Count == 0) return true;
        var function = words.Count(Text.IsFunctionWord);
        if (words.Count >= 4 && function / (double)words.Count < 0.15) return true;
        // A sentence holds its content words apart with function words; a keyword string runs them together ("payment
        // system retried duplicate successful gateway timed out same amount genuine duplicate full refund"): in a long
        // sentence, two thirds of the words in runs of four or more content words is a list, not language.
        if (words.Count >= 10 && LongRunShare(words) >= 0.65) return true;
        // A bullet point of a few words is a list item, not something said to the customer ("- Let me confirm the order").
        if (words.Count <= 8 && BulletPoint().IsMatch(raw)) return true;
        var items = Text.ListItems(raw, ",/|+");
        if (items.Length >= 4 && items.Count(i => Text.Words(i).Count <= 3) >= items.Length - 1 && function / (double)words.Count < 0.3) return true;
        return false;
    }

    /// <summary>A comma list whose pieces are mostly the phase's own phrases and words
    /// ("letter, full name, I'm sorry that letter, this call is recorded").</summary>
    private static bool IsRecitation(string raw, float[] vector, PhaseMaterial material)
    {
        var chunks = Text.ListItems(raw, ",;/")
            .Select(Text.Words)
            .Where(c => c.Count > 0)
            .ToList();
        // A sentence that says what an ideal sentence says is language, however many of the phrases it holds.
        if (chunks.Count < 4) return !material.Ideal.Any(i => CoachJudge.Sim(vector, i.Vector) >= 0.75) && IsRecitedRun(Text.Words(raw), material);
        var recited = chunks.Count(c => material.PhraseItems.Any(p => Text.ContainsFuzzy(c, p) && c.Count <= p.Count + 2)
            || c.Count <= 2 && c.All(w => !Text.StopWords.Contains(w)));
        return recited * 10 >= chunks.Count * 6;
    }

    /// <summary>Phrases strung together without punctuation: three or more of them cover three quarters of the sentence, or
    /// five or more leave at most two content words of the learner's own.</summary>
    private static bool IsRecitedRun(List<string> words, PhaseMaterial material)
    {
        if (words.Count < 8) return false;
        var covered = new bool[words.Count];
        var items = 0;
        foreach (var p in material.PhraseItems)
        {
            for (var start = 0; start + p.Count <= words.Count; start++)
            {
                var all = true;
                for (var k = 0; k < p.Count && all; k++) all = Text.SameWord(words[start + k], p[k]);
                if (!all) continue;
                items++;
                for (var k = 0; k < p.Count; k++) covered[start + k] = true;
                break;
            }
        }
        if (items >= 3 && covered.Count(c => c) * 4 >= words.Count * 3) return true;
        // Phrases chained with "and" and "the" ("you're verified and I can see why the estimated reading and the actual
        // reading and the units and the meter…"): many of them, and hardly a word of the learner's own besides.
        var own = words.Where((w, k) => !covered[k] && Text.IsContentWord(w)).Count();
        return items >= 5 && own <= 2;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*([-*•–—·]|\d{1,2}[.)])\s+")]
    private static partial System.Text.RegularExpressions.Regex BulletPoint();

    /// <summary>Share of the words that stand in runs of four or more content words (names included). Function words,
    /// interjections and figures break a run: a sentence full of amounts and dates states facts, it is not a keyword list.</summary>
    internal static double LongRunShare(List<string> words)
    {
        int inRuns = 0, run = 0;
        foreach (var w in words.Append(""))
        {
            if (w.Length > 0 && !Text.IsFunctionWord(w) && !Text.IsFigure(w)) { run++; continue; }
            if (run >= 4) inRuns += run;
            run = 0;
        }
        return words.Count == 0 ? 0 : inRuns / (double)words.Count;
    }

    /// <summary>
    /// The sentence is one of the phase's phrases or words and (almost) nothing else, and not a clause: "Refund.",
    /// "Goodwill credit.", "Returns window." are recited items; "You did nothing wrong.", "It's a genuine duplicate.",
    /// "Thank you." and "Good evening." are things people say, however closely they follow the script.
    /// </summary>
    /// <remarks>A sentence cut off where it should go on ("It hurts when.", "Is it okay if?") is a fragment too.</remarks>
    private static bool IsFragment(List<string> words, PhaseMaterial material) =>
        IsBarePhrase(words, material) && !Text.IsClause(words) || words.Count > 0 && Dangling.Contains(words[^1]);

    private static readonly HashSet<string> Dangling = ["if", "when", "the", "a", "an", "and", "or", "because", "but", "whether", "than", "my", "your"];

    /// <summary>One of the phase's phrases on its own, clause or not, other than a greeting or a thank-you.</summary>
    private static bool IsBarePhrase(List<string> words, PhaseMaterial material) =>
        words.Count <= 6 && !Courtesy.IsGreeting(words) && material.PhraseItems.Any(p => words.Count <= p.Count + 1 && Text.ContainsFuzzy(words, p));
}

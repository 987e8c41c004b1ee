using System.Text.RegularExpressions;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai;

/// <summary>
/// The offline coach's judgement: deterministic and explained. Each criterion is scored from evidence in the
/// answer: essential phrases and key vocabulary used or missing, phrases to avoid, closeness to the ideal
/// response, and whether the answer ends by moving the conversation forward.
/// </summary>
public static partial class ScriptedCoach
{
    public const int PassScore = 70;

    // Using this many of a phase's phrases (or words) earns full marks for them: answers need not recite the list.
    private const int PhrasesForFullMarks = 3;
    private const int WordsForFullMarks = 3;

    private static readonly string[] Rude = ["stupid", "idiot", "shut up", "whatever", "not my problem", "calm down", "damn", "dumb", "ridiculous", "get lost", "don't care", "go away"];
    private static readonly string[] ForwardCues = ["shall we", "shall i", "can i", "could i", "could we", "would you", "would it", "let's", "let us", "next step", "i will", "i'll",
        "i can", "book", "schedule", "set up", "send you", "arrange", "confirm", "how about", "may i", "do you", "are you", "is there"];
    private static readonly string[] VerificationCues = ["verify", "confirm", "security", "date of birth", "postcode", "account number", "identity", "check a few details"];
    private static readonly string[] RecordCues = ["note", "record", "reference", "log", "ticket", "in writing", "email", "e-mail", "confirmation", "summary"];
    private static readonly string[] EmpathyCues = ["understand", "sorry", "appreciate", "thank", "i hear", "that sounds", "must be", "i see why", "fair", "please"];
    private static readonly HashSet<string> StopWords = [.. "a an the and or but if then to of in on at for with by from is are was were be been it its this that these those i you we they he she me my your our their us them do does did have has had will would can could should shall may might just so very really about as not no yes".Split(' ')];

    public static Assessment Assess(ScenarioDocument scenario, int phaseIndex, string answer)
    {
        var phase = scenario.Phases[phaseIndex];
        var text = Normalise(answer);
        var words = Words(text);
        if (words.Count == 0)
        {
            return new Assessment(0, scenario.Rubric.Select(c => new CriterionScore(c.Name, 0, "No answer was given.")).ToList(),
                [], ["Answer the customer: say something, even a short first sentence."], phase.IdealResponse, false);
        }

        var phrasesUsed = phase.EssentialPhrases.Where(p => ContainsPhrase(text, p)).ToList();
        var phrasesMissing = phase.EssentialPhrases.Except(phrasesUsed).ToList();
        var vocabUsed = phase.KeyVocabulary.Where(v => ContainsPhrase(text, v)).ToList();
        var vocabMissing = phase.KeyVocabulary.Except(vocabUsed).ToList();
        var avoided = scenario.Tone.PhrasesToAvoid.Where(p => ContainsPhrase(text, p)).ToList();
        var rude = Rude.Where(r => ContainsPhrase(text, r)).ToList();
        var toUse = scenario.Tone.PhrasesToUse.Where(p => ContainsPhrase(text, p)).ToList();

        var phraseRate = Saturate(phrasesUsed.Count, phase.EssentialPhrases.Count, PhrasesForFullMarks);
        var vocabRate = Saturate(vocabUsed.Count, phase.KeyVocabulary.Count, WordsForFullMarks);
        var closeness = Closeness(words, Words(Normalise(phase.IdealResponse)));
        var forward = answer.TrimEnd().EndsWith('?') || ForwardCues.Any(c => ContainsPhrase(LastSentence(text), c));
        var sentences = SentenceSplit().Split(answer.Trim()).Count(s => Words(Normalise(s)).Count >= 3);
        var lengthFit = Math.Clamp(words.Count / 25.0, 0, 1);
        var empathy = EmpathyCues.Any(c => ContainsPhrase(text, c)) || toUse.Count > 0;
        var offTopic = phrasesUsed.Count == 0 && vocabUsed.Count == 0 && closeness < 0.15;

        string Evidence(double rate, string what) => $"{what}: {Math.Round(rate * 100)}%";
        var criteria = new List<CriterionScore>();
        foreach (var criterion in scenario.Rubric)
        {
            var name = criterion.Name.ToLowerInvariant();
            (double score, string evidence) = name switch
            {
                _ when name.Contains("vocab") => (0.7 * vocabRate + 0.3 * closeness,
                    vocabUsed.Count > 0 ? $"Used {Quote(vocabUsed)}." + (vocabMissing.Count > 0 ? $" Not used: {Quote(vocabMissing.Take(3))}." : "") : $"None of the key words ({Quote(phase.KeyVocabulary.Take(4))})."),
                _ when name.Contains("phrase") => (0.75 * phraseRate + 0.25 * closeness,
                    phrasesUsed.Count > 0 ? $"Used {Quote(phrasesUsed)}." : $"No essential phrase, e.g. {Quote(phase.EssentialPhrases.Take(2))}."),
                _ when name.Contains("grammar") || name.Contains("fluency") || name.Contains("clarity") =>
                    (0.45 * lengthFit + 0.25 * Math.Min(1, sentences / 2.0) + 0.3 * Math.Max(closeness, phraseRate), $"{words.Count} words in {Math.Max(1, sentences)} sentence(s)."),
                _ when name.Contains("verif") || name.Contains("compliance") =>
                    (VerificationCues.Any(c => ContainsPhrase(text, c)) ? 0.55 + 0.45 * Math.Max(closeness, phraseRate) : 0.6 * Math.Max(closeness, phraseRate),
                     VerificationCues.Any(c => ContainsPhrase(text, c)) ? "Checks identity or details before going on." : "No identity or detail check in the answer."),
                _ when name.Contains("document") =>
                    (RecordCues.Any(c => ContainsPhrase(text, c)) ? 0.55 + 0.45 * Math.Max(closeness, phraseRate) : 0.65 * Math.Max(closeness, phraseRate),
                     RecordCues.Any(c => ContainsPhrase(text, c)) ? "Says what is recorded or sent." : "Does not say what will be recorded or sent."),
                _ when name.Contains("clos") || name.Contains("commitment") || name.Contains("task") =>
                    ((forward ? 0.45 : 0) + 0.55 * Math.Max(closeness, (phraseRate + vocabRate) / 2), forward ? "Ends by moving forward." : "Does not end with a next step or a question."),
                _ when name.Contains("polite") || name.Contains("empath") || name.Contains("communication") || name.Contains("confidence") =>
                    ((empathy ? 0.4 : 0.1) + 0.6 * Math.Max(closeness, phraseRate), empathy ? "Acknowledges the customer." : "Does not acknowledge the customer's point."),
                _ when name.Contains("structure") =>
                    (0.3 * Math.Min(1, sentences / 2.0) + (forward ? 0.25 : 0) + 0.45 * Math.Max(closeness, phraseRate), $"{Math.Max(1, sentences)} sentence(s); {(forward ? "ends with a next step" : "no next step")}."),
                _ => (0.4 * Math.Max(closeness, phraseRate) + 0.3 * closeness + 0.3 * phraseRate, Evidence(closeness, "Closeness to the ideal response")),
            };
            if (avoided.Count > 0) { score -= 0.25 * avoided.Count; evidence += $" Used a phrase to avoid: {Quote(avoided)}."; }
            criteria.Add(new CriterionScore(criterion.Name, Percent(score), evidence.Trim()));
        }

        var totalWeight = Math.Max(1, scenario.Rubric.Sum(c => c.Weight));
        var overall = (int)Math.Round(criteria.Zip(scenario.Rubric, (s, c) => s.Score * c.Weight).Sum() / (double)totalWeight);
        // Hard limits: rude, off-topic or one-word answers cannot pass, whatever else they contain.
        if (rude.Count > 0) overall = Math.Min(overall, 10);
        else if (offTopic) overall = Math.Min(overall, 20);
        if (words.Count < 5) overall = Math.Min(overall, 25);
        if (overall < 25 && (rude.Count > 0 || offTopic || words.Count < 5))
            criteria = criteria.Select(c => c with { Score = Math.Min(c.Score, overall) }).ToList();

        var wentWell = new List<string>();
        if (phrasesUsed.Count > 0) wentWell.Add($"You used {Quote(phrasesUsed)}.");
        if (vocabUsed.Count > 0) wentWell.Add($"Good use of {Quote(vocabUsed.Take(4))}.");
        if (forward) wentWell.Add("You ended by moving the conversation forward.");
        if (empathy && rude.Count == 0) wentWell.Add("You acknowledged the customer.");

        var toImprove = new List<string>();
        if (rude.Count > 0) toImprove.Add($"Stay courteous: {Quote(rude)} will lose the customer.");
        if (avoided.Count > 0) toImprove.Add($"Avoid {Quote(avoided)}.");
        if (offTopic) toImprove.Add("Answer what the customer actually said.");
        if (phrasesUsed.Count < PhrasesForFullMarks && phrasesMissing.Count > 0) toImprove.Add($"Try phrases such as {Quote(phrasesMissing.Take(3))}.");
        if (vocabUsed.Count < WordsForFullMarks && vocabMissing.Count > 0) toImprove.Add($"Bring in {Quote(vocabMissing.Take(3))}.");
        if (!forward) toImprove.Add("End with a question or a concrete next step.");
        if (!string.IsNullOrWhiteSpace(phase.CoachingNotes) && overall < 85) toImprove.Add(phase.CoachingNotes.Trim());

        return new Assessment(Math.Clamp(overall, 0, 100), criteria, wentWell, toImprove, phase.IdealResponse, overall >= PassScore);
    }

    /// <summary>The coach's feedback as prose, streamed to the learner before the score card appears.</summary>
    public static string Narrate(Assessment a, int? firstScore)
    {
        var lines = new List<string>
        {
            firstScore is { } first ? $"Repeat scored {a.Overall}/100 (first try {first}/100)." : $"Score: {a.Overall}/100.",
        };
        if (a.WentWell.Count > 0) lines.Add("What went well: " + string.Join(" ", a.WentWell));
        if (a.ToImprove.Count > 0) lines.Add("To improve: " + string.Join(" ", a.ToImprove));
        if (!string.IsNullOrWhiteSpace(a.BetterVersion)) lines.Add("A better version: " + a.BetterVersion.Trim());
        if (firstScore is null) lines.Add("Now say it again in your own words.");
        return string.Join("\n\n", lines);
    }

    private static double Saturate(int used, int available, int full) => available == 0 ? 1 : Math.Min(1, used / (double)Math.Min(full, available));

    /// <summary>How much of the ideal response's content the answer covers (recall of content words).</summary>
    private static double Closeness(List<string> answer, List<string> ideal)
    {
        var idealContent = ideal.Where(w => !StopWords.Contains(w)).Select(Stem).ToHashSet();
        if (idealContent.Count == 0) return 0;
        var answerContent = answer.Where(w => !StopWords.Contains(w)).Select(Stem).ToHashSet();
        return idealContent.Count(answerContent.Contains) / (double)idealContent.Count;
    }

    private static string Stem(string w) => w.Length > 4 && w.EndsWith('s') ? w[..^1] : w;

    internal static string Normalise(string s) => " " + Spaces().Replace(NonWord().Replace(s.ToLowerInvariant().Replace('’', '\''), " "), " ").Trim() + " ";

    private static List<string> Words(string normalised) => normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static bool ContainsPhrase(string normalisedText, string phrase)
    {
        var p = Normalise(phrase);
        return p.Trim().Length > 0 && normalisedText.Contains(p, StringComparison.Ordinal);
    }

    private static string LastSentence(string normalised) => " " + string.Join(' ', Words(normalised).TakeLast(12)) + " ";

    private static int Percent(double v) => (int)Math.Round(Math.Clamp(v, 0, 1) * 100);

    private static string Quote(IEnumerable<string> items) => string.Join(", ", items.Select(i => $"“{i}”"));

    [GeneratedRegex(@"[^\p{L}\p{N}'\s]")]
    private static partial Regex NonWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceSplit();
}

using System.Text.RegularExpressions;

namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// Tone, read in context: rudeness and blame are expressions ("that's your own fault", "not my problem", a bare
/// "Whatever."), not single words, so "whatever our 30-day returns period says" stays courteous. Sentences close in
/// meaning to a few blunt prototypes count too.
/// </summary>
public static partial class Courtesy
{
    public static readonly string[] RudePrototypes =
    [
        "That's your own fault.", "It's not my problem.", "I don't care about that.", "You should have read the terms before buying.",
        "Just pay what you owe.", "Hurry up, I don't have all day.", "Stop complaining.", "You're wasting my time.", "Are you stupid?",
    ];
    internal const double RudeSimilarity = 0.72;

    private static readonly string[] PoliteCues = ["please", "thank", "thanks", "sorry", "appreciate", "understand", "would you", "could you", "happy to",
        "of course", "glad", "excuse me", "i'd like", "may i", "i'm afraid", "i hear", "that sounds", "must be", "no problem", "kind", "pardon"];
    private static readonly string[] ForwardCues = ["shall we", "shall i", "i'll", "i will", "we'll", "we will", "let's", "next step", "can i", "could you",
        "would you", "would that", "book", "schedule", "send", "arrange", "confirm", "call you", "follow up", "set up", "email", "text you",
        "let me", "how about"];

    public static IReadOnlyList<string> Rude(AnswerReading reading, float[][] prototypes) => RudeSentences(reading, prototypes).Select(x => x.Said).ToList();

    /// <summary>Each rude sentence with what in it is rude (the expression, or the whole sentence when it is rude by meaning).</summary>
    public static IReadOnlyList<(AnswerSentence Sentence, string Said)> RudeSentences(AnswerReading reading, float[][] prototypes)
    {
        var found = new List<(AnswerSentence, string)>();
        foreach (var s in reading.Sentences)
        {
            var lower = " " + string.Join(' ', s.Words) + " ";
            var m = RudeExpression().Match(lower);
            if (m.Success) { found.Add((s, m.Value.Trim())); continue; }
            if (BareWhatever().IsMatch(s.Text)) { found.Add((s, "whatever")); continue; }
            if (s.Words.Count <= 14 && prototypes.Any(p => CoachJudge.Sim(s.Vector, p) >= RudeSimilarity)) found.Add((s, s.Text));
        }
        return found;
    }

    private static readonly string[] ConcessionCues = ["definitely", "guarantee", "guaranteed", "promise", "for sure", "100%", "knock", "knocked",
        "discount", "free", "waive", "refund", "money back", "compensation", "credit", "cheaper", "match", "extra", "bonus", "no charge",
        "won't cost", "off your", "% off", "per cent off", "whole",
        "have to pay", "must pay", "need to pay", "pay today", "pay now", "or it goes", "bailiff", "bailiffs", "court", "legal action",
        "full amount", "clear the", "legal", "solicitor", "solicitors", "lawyer", "lawyers", "debt collector", "debt collectors", "enforcement"];

    /// <summary>Consequences threatened ("we'll have to pass this to our legal team"): the scenario must state them to make them true.</summary>
    private static readonly string[] ThreatCues = ["legal", "solicitor", "solicitors", "lawyer", "lawyers", "court", "bailiff", "bailiffs",
        "debt collector", "debt collectors", "enforcement", "repossess", "blacklist", "blacklisted"];

    /// <summary>The sentence gives something away, guarantees an outcome or demands payment: it needs the scenario's backing.</summary>
    /// <remarks>Read where each cue stands: a negated cue gives nothing ("I can't promise it'll be back", "you don't have to pay
    /// today"), a credit card or credit file is not a credit, and "I promise" closing a sentence ("just one last thing, I
    /// promise") promises nothing.</remarks>
    public static bool Concedes(IReadOnlyList<string> words)
    {
        for (var k = 0; k < words.Count; k++)
        {
            var rest = " " + string.Join(' ', words.Skip(k).Take(4)) + " ";
            var cue = ConcessionCues.FirstOrDefault(c => rest.StartsWith(" " + c + " ", StringComparison.Ordinal))
                ?? (OffFigure().Match(rest) is { Success: true, Index: 0 } ? "off" : null);
            if (cue is null) continue;
            if (cue == "credit" && k + 1 < words.Count && NotACredit.Contains(words[k + 1])) continue;
            if (GivesNothing(cue, words, k)) continue;
            if (cue == "promise" && k == words.Count - 1) continue;
            if (!NegatedAt(words, k)) return true;
        }
        return false;
    }

    /// <summary>A negation within the three words before, in the same clause: "I can't offer a discount" is negated,
    /// "don't worry, it'll definitely be back" is not (a new subject starts a new clause).</summary>
    private static bool NegatedAt(IReadOnlyList<string> words, int k)
    {
        for (var back = 1; back <= 3 && k - back >= 0; back++)
        {
            var w = words[k - back];
            if (Negation.IsNegator(w)) return true;
            if (ClauseSubjects.Contains(w)) return false;
        }
        return false;
    }

    private static readonly HashSet<string> ClauseSubjects = ["i", "you", "we", "it", "they", "he", "she", "i'll", "you'll", "it'll", "we'll",
        "they'll", "it's", "you're", "we're", "they're", "that's", "there's", "i'm", "i've", "we've"];

    private static readonly HashSet<string> NotACredit = ["card", "cards", "file", "files", "score", "rating", "check", "checks", "record",
        "reference", "agreement", "limit", "history", "union"];

    /// <summary>Giving something away or promising an outcome (narrower than <see cref="Concedes"/>, which also reads payment demands).</summary>
    private static readonly string[] GiveawayCues = ["definitely", "guarantee", "guaranteed", "promise", "for sure", "100%", "knock", "knocked",
        "discount", "free", "waive", "refund", "money back", "compensation", "cheaper", "match", "bonus", "no charge", "won't cost", "off your",
        "% off", "per cent off"];

    /// <summary>The giveaways the words make that are not negated where they stand ("we'll match their price", not "I can't
    /// offer a discount" or "that's not guaranteed"), by their cue.</summary>
    public static IReadOnlySet<string> Giveaways(IReadOnlyList<string> words)
    {
        var found = new HashSet<string>();
        for (var k = 0; k < words.Count; k++)
        {
            var rest = " " + string.Join(' ', words.Skip(k).Take(4)) + " ";
            var cue = GiveawayCues.FirstOrDefault(c => rest.StartsWith(" " + c + " ", StringComparison.Ordinal))
                ?? (OffFigure().Match(rest) is { Success: true, Index: 0 } ? "off" : null);
            if (cue is null || GivesNothing(cue, words, k)) continue;
            if (!NegatedAt(words, k)) found.Add(cue);
        }
        return found;
    }

    /// <summary>
    /// The giveaways, guarantees and threats the sentence makes (not negated where they stand) whose word the scenario never
    /// states: "I'll waive the late fee" where nothing authored mentions waiving, "I can guarantee it by tomorrow", "we'll
    /// pass this to our legal team". A cue that is a stop word or a figure ("no charge", "10% off") is left to the other checks.
    /// </summary>
    public static IReadOnlyList<string> Ungrounded(IReadOnlyList<string> words, IReadOnlySet<string> statedWords)
    {
        var found = new List<string>();
        for (var k = 0; k < words.Count; k++)
        {
            var rest = " " + string.Join(' ', words.Skip(k).Take(4)) + " ";
            var cue = GiveawayCues.Except(Intensifiers).Concat(ThreatCues).FirstOrDefault(c => rest.StartsWith(" " + c + " ", StringComparison.Ordinal));
            if (cue is null || NegatedAt(words, k)) continue;
            if (GivesNothing(cue, words, k)) continue;
            var head = cue.Split(' ')[0];
            if (Text.StopWords.Contains(head) || !head.All(char.IsLetter)) continue;
            var stem = head.Length > 5 ? head[..5] : head;
            if (!statedWords.Any(w => w.StartsWith(stem, StringComparison.Ordinal))) found.Add(cue);
        }
        return found;
    }

    /// <summary>A cue that, where it stands, gives nothing away: "match" in a comparison, "knock" without "off".</summary>
    private static bool GivesNothing(string cue, IReadOnlyList<string> words, int k) =>
        cue == "match" && !MatchesAnOffer(words, k) || NotKnockedOff(cue, words, k);

    /// <summary>
    /// "We'll match their price", "I can match it", "happy to match", "a price match": someone offers to match. "Does that
    /// match what you're seeing?", "those details all match", "which matches the log" compare; they match no price.
    /// </summary>
    private static bool MatchesAnOffer(IReadOnlyList<string> words, int k) =>
        k > 0 && words[k - 1] is "i" or "we" or "i'll" or "we'll" or "i'd" or "we'd" or "can" or "could" or "will" or "would" or "to"
            or "price" or "happily" or "even";

    /// <summary>"Knock" gives something away only as "knock (10%) off": "knock on wood", "I knocked" give nothing.</summary>
    private static bool NotKnockedOff(string cue, IReadOnlyList<string> words, int k) =>
        cue is "knock" or "knocked" && !words.Skip(k + 1).Take(4).Contains("off");

    /// <summary>
    /// A question asks rather than gives ("Could we look at a discount?", "Is a refund possible?"): it starts with an
    /// auxiliary, a modal or a question word and ends with a question mark. "I'll refund the £80, is that OK?" still gives.
    /// </summary>
    public static bool IsQuestion(string text, IReadOnlyList<string> words) =>
        text.TrimEnd().EndsWith('?') && words.Count > 0 && QuestionStarts.Contains(words[0]);

    private static readonly HashSet<string> QuestionStarts = ["could", "can", "would", "will", "shall", "should", "may", "might", "is", "are", "was",
        "were", "do", "does", "did", "have", "has", "what", "which", "how", "when", "where", "why", "who", "isn't", "aren't", "don't", "doesn't",
        "wouldn't", "couldn't", "can't", "won't"];

    /// <summary>Giveaway cues that are also everyday intensifiers ("check it's definitely you"): left to the meaning-based check.</summary>
    private static readonly string[] Intensifiers = ["definitely", "promise", "for sure", "100%"];

    [GeneratedRegex(@" \d+ (percent |per cent )?off ")]
    private static partial Regex OffFigure();

    /// <summary>A greeting or a thank-you on its own ("Good evening.", "Thanks so much."): a complete utterance, not a recited item.</summary>
    public static bool IsGreeting(IReadOnlyList<string> words) =>
        words.Count is > 0 and <= 4 && Text.CountCues(words, ["good morning", "good afternoon", "good evening", "hello", "hi", "thank", "thanks",
            "sorry", "excuse me", "goodbye", "bye"]) > 0;

    public static bool MovesForward(IReadOnlyList<string> words)
    {
        var text = " " + string.Join(' ', words) + " ";
        return ForwardCues.Any(c => text.Contains(" " + c + " ", StringComparison.Ordinal) || text.Contains(" " + c, StringComparison.Ordinal) && c.Length > 5);
    }

    private static readonly string[] SofteningCues = ["i'm afraid", "afraid", "unfortunately", "sorry", "i understand", "i appreciate",
        "i'm sorry"];

    /// <summary>A sentence that cushions what it says ("I'm afraid you have to pay by Friday", "Sorry, it's company policy").</summary>
    public static bool Softened(IReadOnlyList<string> words) => Text.CountCues(words, SofteningCues) > 0;

    /// <summary>Share of politeness markers, saturating at two.</summary>
    public static double Politeness(IReadOnlyList<string> words)
    {
        return Math.Min(1, Text.CountCues(words, PoliteCues) / 2.0);
    }

    // "Your fault" blames only when the fault is said to be theirs ("it's your own fault", "that's your fault"); "your
    // fault is logged" is the problem they reported.
    [GeneratedRegex(@" ((it's|that's|its|it is|that is|it was|that was|is|was|all) (all |entirely |completely )?your (own )?fault|your own fault|" +
        @"not my (problem|job|fault|concern)|shut up|stupid|idiot|dumb|moron|calm down|(don't|do not) care|hurry up|" +
        @"get lost|go away|deal with it|can't you read|tough luck|too bad|whatever you say|just pay|are you deaf|i already told you|not rocket science|" +
        @"you people|you lot|(that's|it's) (kind of |sort of |really )?on you|wasting my time|stop (complaining|moaning|whining)|gimme|yo|useless|rubbish|pathetic|cowboys|you should( have|'ve)) ")]
    private static partial Regex RudeExpression();

    [GeneratedRegex(@"^\s*(whatever|fine|ugh)\s*[.!]*\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex BareWhatever();
}

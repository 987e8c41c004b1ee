using System.Globalization;
using System.Text.RegularExpressions;
using Quickenshtein;

namespace ScenarioStudio.Ai.Coach;

/// <summary>Sentences, words, figures, negation and fuzzy phrase matching: the coach's reading of plain text.</summary>
public static partial class Text
{
    public static readonly HashSet<string> StopWords = [.. ("a an the and or but if then so to of in on at for with by from into as " +
        "is are was were be been being am it its it's this that these those there here i you we they he she me my your our their us them him her " +
        "do does did have has had will would can could should shall may might must just very really about not no yes " +
        "i'm you're we're they're i'll you'll we'll i'd you'd we'd i've we've that's what's let's don't can't won't isn't " +
        "what when where which who why how all any some if please also than too up out over after before while").Split(' ')];


    /// <summary>Sentences as the learner wrote them (split on . ! ? ; and line breaks, keeping abbreviations like "£6.50" whole).</summary>
    public static List<string> Sentences(string text) =>
        SentenceBreak().Split(text.Trim()).Select(s => s.Trim()).Where(s => Words(s).Count > 0).ToList();

    /// <summary>Lower-case words with apostrophes kept ("don't"), currency and punctuation dropped.</summary>
    public static List<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant().Replace('’', '\'')).Select(m => m.Value.Trim('\'')).Where(w => w.Length > 0).ToList();

    /// <summary>Indices (as in <see cref="Words"/>) of the words that follow a comma, colon, semicolon or dash: where a clause starts.</summary>
    public static HashSet<int> ClauseBreaks(string text)
    {
        var breaks = new HashSet<int>();
        var lower = text.ToLowerInvariant().Replace('’', '\'');
        var previousEnd = 0;
        var index = 0;
        foreach (Match m in WordPattern().Matches(lower))
        {
            if (m.Value.Trim('\'').Length == 0) continue;
            if (index > 0 && lower.AsSpan(previousEnd, m.Index - previousEnd).IndexOfAny(",:;—–") >= 0) breaks.Add(index);
            previousEnd = m.Index + m.Length;
            index++;
        }
        return breaks;
    }

    /// <summary>Words that make a clause of a short sentence: a pronoun subject, an auxiliary or modal, a copula, "let's".</summary>
    private static readonly HashSet<string> ClauseWords = [.. ("i you we they he she it is are was were am be been do does did have has had " +
        "will would can could should shall may might must i'm you're we're they're he's she's it's that's there's i'll you'll we'll they'll " +
        "it'll i've you've we've they've i'd you'd we'd don't doesn't didn't can't won't isn't aren't wasn't let's let me").Split(' ')];

    /// <summary>The words hold a subject or a verb form that makes them a clause rather than a bare noun phrase.</summary>
    public static bool IsClause(IReadOnlyList<string> words) => words.Any(ClauseWords.Contains);

    public static bool IsContentWord(string w) => !StopWords.Contains(w) && !Interjections.Contains(w) && !w.All(char.IsDigit);

    /// <summary>Interjections and fillers ("oh", "well", "okay"): they hold words apart like function words, and say nothing.</summary>
    public static readonly HashSet<string> Interjections = ["oh", "ah", "well", "okay", "ok", "yeah", "um", "er", "erm", "hmm", "wow", "oops"];

    /// <summary>A function word or an interjection: what a sentence holds its content words apart with.</summary>
    public static bool IsFunctionWord(string w) => StopWords.Contains(w) || Interjections.Contains(w);

    /// <summary>A figure ("29,000", "18", "10.45"): it names a fact; it is not a keyword.</summary>
    public static bool IsFigure(string w) => w.Length > 0 && char.IsDigit(w[0]);

    /// <summary>How many of the cues start a word of the text ("thank" finds "thanks"; "date of birth" finds the phrase).</summary>
    public static int CountCues(IReadOnlyList<string> words, IEnumerable<string> cues)
    {
        var text = " " + string.Join(' ', words) + " ";
        return cues.Count(c => text.Contains(" " + c, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether the phrase's words occur in order in the text, each word allowed a typo (one edit from 5 letters, two
    /// from 9). "apreciate" still finds "appreciate".
    /// </summary>
    public static bool ContainsFuzzy(IReadOnlyList<string> textWords, IReadOnlyList<string> phraseWords)
    {
        if (phraseWords.Count == 0 || phraseWords.Count > textWords.Count) return false;
        for (var start = 0; start + phraseWords.Count <= textWords.Count; start++)
        {
            var all = true;
            for (var k = 0; k < phraseWords.Count && all; k++) all = SameWord(textWords[start + k], phraseWords[k]);
            if (all) return true;
        }
        return false;
    }

    /// <summary>Whether the phrase's words occur in order exactly (wrong forms differ from right ones by one letter: "license", "licence").</summary>
    public static bool ContainsExact(IReadOnlyList<string> textWords, IReadOnlyList<string> phraseWords)
    {
        for (var start = 0; phraseWords.Count > 0 && start + phraseWords.Count <= textWords.Count; start++)
        {
            var all = true;
            for (var k = 0; k < phraseWords.Count && all; k++) all = textWords[start + k] == phraseWords[k];
            if (all) return true;
        }
        return false;
    }

    public static bool SameWord(string a, string b)
    {
        if (a == b) return true;
        var length = Math.Min(a.Length, b.Length);
        if (length < 5 || Math.Abs(a.Length - b.Length) > 2) return false;
        var allowed = length >= 9 ? 2 : 1;
        return Levenshtein.GetDistance(a, b) <= allowed;
    }

    /// <summary>
    /// Replaces a misspelt word by the scenario's own word it is one or two edits from ("recieve" → "receive"), so a
    /// typo neither hides a phrase nor moves the sentence's meaning. Words the scenario does not use are left alone.
    /// </summary>
    public static string CorrectTypos(string sentence, Lexicon vocabulary)
    {
        return WordPattern().Replace(sentence, m =>
        {
            var w = m.Value.ToLowerInvariant().Replace('’', '\'').Trim('\'');
            if (w.Length < 5 || w.Contains('\'') || vocabulary.Contains(w) || w.Any(char.IsDigit)) return m.Value;
            string? best = null;
            var bestDistance = int.MaxValue;
            // A short word the model's vocabulary lacks is as likely a real word ("waive") as a typo, and the nearest
            // vocabulary word ("naive") would change its meaning: short words are corrected towards the scenario's words only.
            foreach (var v in w.Length >= 7 ? vocabulary.Candidates : vocabulary.ScenarioWords)
            {
                if (Math.Abs(v.Length - w.Length) > 2 || v.Length < 5) continue;
                var d = Levenshtein.GetDistance(w, v);
                if (d < bestDistance) { bestDistance = d; best = v; if (d == 1) break; }
            }
            var allowed = w.Length >= 9 ? 2 : 1;
            return best is not null && bestDistance <= allowed ? best : m.Value;
        });
    }

    /// <summary>A figure the answer states: an amount, a percentage, a number, or a reference such as "EL-55201".</summary>
    public sealed record Figure(string Kind, string Value, string Text);

    /// <summary>Amounts, percentages, numbers (digits or words up to twenty), clock times and references in a text.</summary>
    public static List<Figure> Figures(string text)
    {
        var found = new List<Figure>();
        var t = text.Replace('’', '\'');
        foreach (Match m in Reference().Matches(t))
            found.Add(new Figure("reference", m.Value.ToUpperInvariant(), m.Value));
        var withoutRefs = Reference().Replace(t, " ");
        foreach (Match m in Number().Matches(withoutRefs))
        {
            var raw = m.Groups["n"].Value.Replace(",", "");
            if (!decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) continue;
            if (m.Groups["k"].Success) value *= 1000;
            var kind = m.Groups["cur"].Success || m.Groups["p"].Value.Length > 0 && m.Groups["cur2"].Success ? "money"
                : m.Groups["pct"].Success ? "percent" : m.Groups["dur"].Success ? "duration" : "number";
            found.Add(new Figure(kind, value.ToString("0.##", CultureInfo.InvariantCulture), m.Value.Trim()));
        }
        // Clock times ("4 pm", "16:00", "four o'clock"), by the hour on a 12-hour clock: "16:00" and "four o'clock" agree.
        foreach (Match m in ClockTime().Matches(withoutRefs.ToLowerInvariant()))
        {
            var h = m.Groups["h"].Value;
            var hour = int.TryParse(h, out var n) ? n : Array.IndexOf(NumberWords, h);
            if (hour is < 0 or > 24) continue;
            var minutes = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (minutes > 59 || !m.Groups["m"].Success && !m.Groups["s"].Success) continue;
            var value = (hour % 12).ToString(CultureInfo.InvariantCulture) + (minutes > 0 ? $":{minutes:00}" : "");
            found.Add(new Figure("time", value, m.Value.Trim()));
        }
        foreach (Match m in NumberWord().Matches(withoutRefs.ToLowerInvariant()))
        {
            var value = Array.IndexOf(NumberWords, m.Groups[1].Value);
            var pct = m.Groups[2].Success;
            found.Add(new Figure(pct ? "percent" : "number", value.ToString(CultureInfo.InvariantCulture), m.Value.Trim()));
        }
        return found;
    }

    private static readonly string[] NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];

    [GeneratedRegex(@"(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=[A-Z])")]
    private static partial Regex SentenceBreak();

    // A number with thousands separators ("29,000") is one word.
    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['’][\p{L}]+)*")]
    private static partial Regex WordPattern();

    /// <summary>The text's items between list marks (by default commas), a comma inside a number ("£29,000") not being one.</summary>
    public static string[] ListItems(string text, string marks = ",")
    {
        var others = marks.Replace(",", "");
        var pattern = @"(?<!\d),|,(?!\d{3})" + (others.Length > 0 ? "|[" + Regex.Escape(others) + "]" : "");
        return Regex.Split(text, pattern).Select(x => x.Trim()).Where(x => x.Length > 0).ToArray();
    }

    // References: letters and digits joined by a dash or mixed in one token (EL-55201, RF-88314, K7XQ2M).
    [GeneratedRegex(@"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,}\b")]
    private static partial Regex Reference();

    [GeneratedRegex(@"(?<cur>[£$€]\s?)?(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?<k>k\b)?\s*(?<pct>%|per ?cent)?" +
        @"(?<p>\s*(?<cur2>pounds|euros|dollars|quid))?" +
        @"(?<dur>[\s-]*(?:working |business |calendar )?(?:days?|weeks?|months?|years?|hours?|minutes?)\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<![£$€\d.,:])\b(?<h>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?::(?<m>\d{2}))?\s*(?<s>am\b|pm\b|a\.m\.|p\.m\.|o'clock|o’clock)?(?![\d%£$€])")]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" +
        @"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b(\s*(?:%|per ?cent))?")]
    private static partial Regex NumberWord();
}

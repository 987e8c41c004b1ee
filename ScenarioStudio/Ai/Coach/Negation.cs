namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// Negation read where it attaches: a word the learner shares with the ideal sentence, negated in one and not in the
/// other ("I'm not allergic to anything" against "I'm allergic to penicillin"), flips the match.
/// </summary>
public static class Negation
{
    private static readonly HashSet<string> Negators = ["not", "no", "never", "nothing", "none", "without", "cannot", "can't", "won't", "don't",
        "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "shouldn't", "wouldn't", "couldn't", "haven't", "hasn't", "stop", "stopped"];

    /// <summary>Words that say something is withheld or taken away ("interest and charges frozen"): a negation in other words,
    /// so "no interest added" says the same thing.</summary>
    private static readonly HashSet<string> Privatives = ["frozen", "freeze", "freezes", "pause", "paused", "hold", "halt", "halted", "suspend",
        "suspended", "waive", "waived", "cancel", "cancelled", "remove", "removed", "free", "stopped", "stops", "avoid", "instead", "only"];

    /// <summary>
    /// The learner negates an idea the ideal sentence states plainly. Only that direction: an ideal sentence with
    /// negations of its own ("there's no need to reset it"), or words that withhold ("frozen", "on hold"), is said in too
    /// many ways to compare word by word.
    /// </summary>
    /// <param name="keyStems">Stems of the words the phase's requirements are about ("allerg", "reser"): only
    /// negating one of those flips the match ("it won't cost you anything" does not contradict "free advice").</param>
    /// <param name="answerBreaks">Where the answer's clauses start (<see cref="AnswerSentence.ClauseBreaks"/>), when known: a
    /// negation does not reach past a comma ("If not, the engineer will call you" negates nothing after the comma).</param>
    public static bool Contradicts(IReadOnlyList<string> answer, IReadOnlyList<string> ideal, IReadOnlySet<string> keyStems,
        IReadOnlySet<int>? answerBreaks = null)
    {
        if (ideal.Any(w => Negators.Contains(w) || Privatives.Contains(w))) return false;
        var a = Negated(answer, answerBreaks);
        var i = Negated(ideal, null);
        return a.Any(w => w.Value && i.ContainsKey(w.Key) && keyStems.Contains(KeyStem(w.Key)));
    }

    public static bool IsNegator(string word) => Negators.Contains(word);

    public static string KeyStem(string word) => word.Length > 5 ? word[..5] : word;

    /// <summary>Each content word, and whether a negation stands within the three words before it.</summary>
    /// <param name="breaks">Indices of words that follow a comma or other clause mark: a negation does not reach across one.</param>
    private static Dictionary<string, bool> Negated(IReadOnlyList<string> words, IReadOnlySet<int>? breaks)
    {
        var result = new Dictionary<string, bool>();
        for (var k = 0; k < words.Count; k++)
        {
            var w = Stem(words[k]);
            if (!Text.IsContentWord(words[k]) || Negators.Contains(words[k])) continue;
            var negated = false;
            for (var back = 1; back <= 3 && k - back >= 0; back++)
            {
                if (breaks is not null && breaks.Contains(k - back + 1)) break;
                if (Negators.Contains(words[k - back])) { negated = true; break; }
                if (words[k - back] is "but" or "and" or "so" or "because") break;
            }
            result[w] = result.TryGetValue(w, out var before) ? before || negated : negated;
        }
        return result;
    }

    private static string Stem(string w) => w.Length > 4 && w.EndsWith('s') ? w[..^1] : w;
}

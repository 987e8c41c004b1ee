using System.Text.RegularExpressions;

namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// Frequent errors of learners of English, beyond the wrong forms a phase's common mistakes quote: modal + "to",
/// "since" with a duration, wrong prepositions after common adjectives, uncountable plurals, missing "if".
/// </summary>
public static partial class LearnerGrammar
{
    private static readonly (Regex Pattern, string Explanation)[] Patterns =
    [
        (new(@"\b(must|should|can|could|will|would|may|might) to \w+", RegexOptions.IgnoreCase), "no “to” after a modal verb"),
        (new(@"\bsince (\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several) (days?|weeks?|months?|years?|hours?)\b",
                RegexOptions.IgnoreCase),
            "“for” with a length of time, “since” with a starting point"),
        (new(@"\b(during|from) (\d+|one|two|three|four|five|six|seven|eight|nine|ten) (days?|weeks?)\b", RegexOptions.IgnoreCase),
            "“for” with a length of time"),
        (new(@"\ballergic (of|from|with)\b", RegexOptions.IgnoreCase), "allergic to"),
        (new(@"\b(i am|i'm|we are|we're) agree\b", RegexOptions.IgnoreCase), "“I agree”, not “I am agree”"),
        (new(@"\bmore (better|worse|easier|cheaper|bigger|smaller)\b", RegexOptions.IgnoreCase), "a comparative needs no “more”"),
        (new(@"\b(informations|advices|furnitures|luggages|baggages|equipments)\b", RegexOptions.IgnoreCase), "an uncountable noun has no plural"),
        (new(@"\bexplain (me|us|him|her)\b", RegexOptions.IgnoreCase), "explain something to someone"),
        (new(@"\bdiscuss about\b", RegexOptions.IgnoreCase), "discuss (no “about”)"),
        (new(@"\bdepends? of\b", RegexOptions.IgnoreCase), "depend on"),
        (new(@"\b(he|she|it) (have|don't|do)\b", RegexOptions.IgnoreCase), "third person: has / doesn't / does"),
        (new(@"\b(i|we|they) (has|doesn't|does not)\b", RegexOptions.IgnoreCase), "agreement: I have / I don't"),
        (new(@"\bi have (\d+|twenty|thirty|forty|fifty) years\b", RegexOptions.IgnoreCase), "“I am … years old”"),
        (new(@"\b(three|two|four|\d+) times in a day\b", RegexOptions.IgnoreCase), "“three times a day”"),
        (new(@"\beven (i|you|it|we|they) (feel|is|are|am)\b", RegexOptions.IgnoreCase), "“even if”"),
        (new(@"\b(a|an) (\w+ )?informations?\b", RegexOptions.IgnoreCase), "information takes no “a”"),
        (new(@"\bi (am|was) (go|come|eat|take|make|have|want)\b", RegexOptions.IgnoreCase), "a verb form is missing: “I am going”, “I went”"),
        (new(@"\bwhere (is|are) the (\w+) (is|are)\b", RegexOptions.IgnoreCase), "question word order"),
        (new(@"\blisten (music|the radio)\b", RegexOptions.IgnoreCase), "listen to"),
    ];

    public static IReadOnlyList<string> Slips(string text) =>
        Patterns.Select(p => (Match: p.Pattern.Match(text), p.Explanation)).Where(x => x.Match.Success)
            .Select(x => $"“{x.Match.Value}” ({x.Explanation})").ToList();
}

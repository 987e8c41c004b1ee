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
        // "May" with a capital is the month ("before 28 May to avoid another fee"), except where it opens a sentence.
        (new(@"\b([Mm]ust|[Ss]hould|[Cc]an|[Cc]ould|[Ww]ill|[Ww]ould|may|(?<![\w,] )May|[Mm]ight) to \w+"), "no “to” after a modal verb"),
        (new(@"\b(before|after|without|for) to [a-z]+\b", RegexOptions.IgnoreCase), "“before discussing”, not “before to discuss”"),
        (new(@"\b(i|you|we|they) (need|want|have|like) (ask|go|pay|tell|know|see|check|speak|book|change|make)\b", RegexOptions.IgnoreCase),
            "“need to ask”: “to” before the verb"),
        (new(@"\b(two|three|four|five|six|seven|eight|nine|ten|\d*[02-9]|\d{2,}) (night|day|week|month|year|hour|minute|room|ticket|person|time)\b",
                RegexOptions.IgnoreCase), "a plural after a number"),
        (new(@"\bmy name are\b|\bi is\b|\b(you|we|they) (is|was)\b|\b(he|she|it) are\b", RegexOptions.IgnoreCase), "subject and verb agree"),
        (new(@"\b(is|are) (serve|start|finish|record|book|send|call)\b", RegexOptions.IgnoreCase), "“is served”, “does it open”: the verb form"),
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

using System.Globalization;

namespace ScenarioStudio.Scenarios.Transfer;

/// <summary>
/// One column of a workbook sheet: its header (the field's path in the JSON format, so a column and a JSON field are
/// named alike), what the README sheet says about it, how a row's value is written and how a cell's text is read.
/// <see cref="Read"/> returns the problem with the cell's text, or null when it was taken.
/// </summary>
public sealed record SheetColumn<T>(string Header, string Help, Func<T, object?> Write, Func<T, string, string?> Read);

/// <summary>A sheet of the scenario workbook: rows of <typeparamref name="T"/>, and the columns that key them to their scenario.</summary>
public sealed record SheetLayout<T>(string Name, string Purpose, IReadOnlyList<SheetColumn<T>> Columns);


/// <summary>
/// The Excel layout of the scenario format, used both to write and to read, so the two cannot drift apart. Sheets:
/// Scenarios (one row per scenario, keyed by slug), Phases (keyed by scenario slug and phase order), TestCases,
/// Rubric, Knowledge and Cards (keyed by slug and order), and README (what every column means). A list is written one
/// item per line in its cell.
/// </summary>
public static class ScenarioSheets
{
    public const string Scenarios = "Scenarios", Phases = "Phases", TestCases = "TestCases", Rubric = "Rubric", Knowledge = "Knowledge",
        Cards = "Cards", Readme = "README";
    /// <summary>The key columns of the child sheets.</summary>
    public const string ScenarioKey = "scenario", OrderKey = "order", PhaseKey = "phase", CardKindKey = "card";
    public const string TicketCard = "ticket", VerificationCard = "verification";

    public static readonly SheetLayout<ScenarioDocument> ScenarioSheet = new(Scenarios, "One row per scenario.",
    [
        Text<ScenarioDocument>("slug",
            "The scenario's address within the organisation: lower-case letters, digits and dashes. Imports match existing scenarios by it.",
            d => d.Slug, (d, v) => d.Slug = v),
        Text<ScenarioDocument>("title", "3 to 100 characters.", d => d.Title, (d, v) => d.Title = v),
        Text<ScenarioDocument>("description", "Markdown, at most 500 characters.", d => d.Description, (d, v) => d.Description = v),
        Choice<ScenarioDocument, ScenarioDomain>("domain", d => d.Domain, (d, v) => d.Domain = v),
        Text<ScenarioDocument>("category", "One of the organisation's categories.", d => d.Category, (d, v) => d.Category = v),
        Choice<ScenarioDocument, Difficulty>("difficulty", d => d.Difficulty, (d, v) => d.Difficulty = v),
        Whole<ScenarioDocument>("estimatedMinutes", "Minutes; kept equal to the phases' expected minutes added up.",
            d => d.EstimatedMinutes, (d, v) => d.EstimatedMinutes = v),
        Whole<ScenarioDocument>("xpReward", "XP a learner earns for passing, 0 to 1000.", d => d.XpReward, (d, v) => d.XpReward = v),
        Lines<ScenarioDocument>("tags", "At most 20 tags, one per line.", d => d.Tags),
        Text<ScenarioDocument>("locale", "Language of the conversation, e.g. en-GB or es-ES.", d => d.Locale, (d, v) => d.Locale = v),
        Text<ScenarioDocument>("persona.name", "The customer's name.", d => d.Persona.Name, (d, v) => d.Persona.Name = v),
        new("persona.age", "16 to 100, or empty.", d => d.Persona.Age, (d, v) => ReadOptionalWhole(v, n => d.Persona.Age = n)),
        Text<ScenarioDocument>("persona.role", "e.g. Office manager.", d => d.Persona.Role, (d, v) => d.Persona.Role = v),
        Lines<ScenarioDocument>("persona.traits", "At most 10, one per line.", d => d.Persona.Traits),
        Text<ScenarioDocument>("persona.startingMood", "", d => d.Persona.StartingMood, (d, v) => d.Persona.StartingMood = v),
        Lines<ScenarioDocument>("persona.goals", "One per line.", d => d.Persona.Goals),
        Lines<ScenarioDocument>("persona.hiddenInformation", "Facts the learner must uncover by asking, one per line.", d => d.Persona.HiddenInformation),
        Text<ScenarioDocument>("persona.speakingStyle", "", d => d.Persona.SpeakingStyle, (d, v) => d.Persona.SpeakingStyle = v),
        Text<ScenarioDocument>("persona.cardNotes", "What an imported persona card held that the persona has no field for; not given to the AI.",
            d => d.Persona.CardNotes ?? "", (d, v) => d.Persona.CardNotes = v.Length == 0 ? null : v),
        Text<ScenarioDocument>("context.learnerBrief", "The situation brief shown to the learner (Markdown).",
            d => d.Context.LearnerBrief, (d, v) => d.Context.LearnerBrief = v),
        new("context.showPhrasesAsHints", "TRUE to show each phase's essential phrases to the learner as hints.",
            d => d.Context.ShowPhrasesAsHints ? "TRUE" : "FALSE", (d, v) => ReadBool(v, b => d.Context.ShowPhrasesAsHints = b)),
        Lines<ScenarioDocument>("tone.phrasesToUse", "One per line.", d => d.Tone.PhrasesToUse),
        Lines<ScenarioDocument>("tone.phrasesToAvoid", "One per line.", d => d.Tone.PhrasesToAvoid),
        Lines<ScenarioDocument>("tone.rules", "One per line.", d => d.Tone.Rules),
        Text<ScenarioDocument>("ai.personaPrompt", "Extra instructions for the AI customer, at most 4000 characters.",
            d => d.Ai.PersonaPrompt, (d, v) => d.Ai.PersonaPrompt = v),
        Text<ScenarioDocument>("ai.coachInstructions", "Extra instructions for the AI coach, at most 4000 characters.",
            d => d.Ai.CoachInstructions, (d, v) => d.Ai.CoachInstructions = v),
        new("ai.temperature", "0 to 2.", d => d.Ai.Temperature, (d, v) => ReadNumber(v, n => d.Ai.Temperature = n)),
        new("ai.modelOverride", "A model name for this scenario, or empty for the organisation's model.", d => d.Ai.ModelOverride,
            (d, v) => { d.Ai.ModelOverride = v.Length == 0 ? null : v; return null; }),
        Whole<ScenarioDocument>("ai.maxTurns", "Turns per phase, 1 to 10.", d => d.Ai.MaxTurns, (d, v) => d.Ai.MaxTurns = v),
    ]);

    public static readonly SheetLayout<Phase> PhaseSheet = new(Phases, "One row per phase, keyed by the scenario's slug and the phase's order (1, 2, …).",
    [
        Text<Phase>("key", "The phase's stable key (analytics and comments follow it); leave empty for a new phase.", p => p.Key, (p, v) => p.Key = v),
        Text<Phase>("name", "2 to 80 characters.", p => p.Name, (p, v) => p.Name = v),
        Text<Phase>("description", "", p => p.Description, (p, v) => p.Description = v),
        Lines<Phase>("objectives", "One per line.", p => p.Objectives),
        Lines<Phase>("keyVocabulary", "One per line (language scenarios need at least 5).", p => p.KeyVocabulary),
        Lines<Phase>("essentialPhrases", "One per line (language scenarios need at least 5).", p => p.EssentialPhrases),
        Lines<Phase>("successCriteria", "One per line.", p => p.SuccessCriteria),
        Text<Phase>("culturalNotes", "", p => p.CulturalNotes, (p, v) => p.CulturalNotes = v),
        Text<Phase>("customerOpening", "What the customer says to open the phase.", p => p.CustomerOpening, (p, v) => p.CustomerOpening = v),
        Lines<Phase>("followUpObjections", "One per line.", p => p.FollowUpObjections),
        Text<Phase>("idealResponse", "A model answer to the opening.", p => p.IdealResponse, (p, v) => p.IdealResponse = v),
        Text<Phase>("coachingNotes", "", p => p.CoachingNotes, (p, v) => p.CoachingNotes = v),
        Lines<Phase>("commonMistakes", "One per line.", p => p.CommonMistakes),
        Whole<Phase>("expectedMinutes", "1 to 30.", p => p.ExpectedMinutes, (p, v) => p.ExpectedMinutes = v),
    ]);

    public static readonly SheetLayout<RubricTestCase> TestCaseSheet = new(TestCases,
        "Sample answers per phase with the score band the coach must give; keyed by slug, phase order and order.",
    [
        Text<RubricTestCase>("name", "e.g. Good paraphrase.", c => c.Name, (c, v) => c.Name = v),
        Text<RubricTestCase>("answer", "The sample answer, up to 2000 characters.", c => c.Answer, (c, v) => c.Answer = v),
        Whole<RubricTestCase>("minScore", "Lowest score of the band, 0 to 100.", c => c.MinScore, (c, v) => c.MinScore = v),
        Whole<RubricTestCase>("maxScore", "Highest score of the band, 0 to 100.", c => c.MaxScore, (c, v) => c.MaxScore = v),
    ]);

    public static readonly SheetLayout<RubricCriterion> RubricSheet = new(Rubric, "The scoring rubric: one row per criterion; weights add up to 100.",
    [
        Text<RubricCriterion>("name", "2 to 60 characters.", c => c.Name, (c, v) => c.Name = v),
        Text<RubricCriterion>("description", "", c => c.Description, (c, v) => c.Description = v),
        Whole<RubricCriterion>("weight", "1 to 100.", c => c.Weight, (c, v) => c.Weight = v),
    ]);

    public static readonly SheetLayout<KnowledgeEntry> KnowledgeSheet = new(Knowledge, "Knowledge-base entries (context.knowledgeBase).",
    [
        Text<KnowledgeEntry>("title", "", k => k.Title, (k, v) => k.Title = v),
        Text<KnowledgeEntry>("body", "Markdown.", k => k.Body, (k, v) => k.Body = v),
    ]);

    public static readonly SheetLayout<CardField> CardSheet = new(Cards,
        $"The ticket card (card = {TicketCard}, context.ticketFields) and the verification facts (card = {VerificationCard}, context.verificationFacts).",
    [
        Text<CardField>("label", "", c => c.Label, (c, v) => c.Label = v),
        Text<CardField>("value", "", c => c.Value, (c, v) => c.Value = v),
    ]);

    /// <summary>The key columns in front of each child sheet's own columns, as (header, help).</summary>
    public static IReadOnlyList<(string Header, string Help)> KeysOf(string sheet) => sheet switch
    {
        Phases => [(ScenarioKey, "The scenario's slug."), (OrderKey, "The phase's position: 1, 2, …")],
        TestCases => [(ScenarioKey, "The scenario's slug."), (PhaseKey, "The phase's order."), (OrderKey, "The case's position in the phase.")],
        Cards => [(ScenarioKey, "The scenario's slug."), (CardKindKey, $"{TicketCard} or {VerificationCard}."), (OrderKey, "The field's position.")],
        Scenarios => [],
        _ => [(ScenarioKey, "The scenario's slug."), (OrderKey, "The position in the list.")],
    };

    /// <summary>The README sheet: every column of every sheet and what it holds.</summary>
    public static IEnumerable<(string Sheet, string Column, string Meaning)> ReadmeRows()
    {
        IEnumerable<(string, string, string)> Describe<T>(SheetLayout<T> layout) =>
            KeysOf(layout.Name).Select(k => (layout.Name, k.Header, k.Help)).Concat(layout.Columns.Select(c => (layout.Name, c.Header, c.Help)));
        yield return ("(all)", "", "ScenarioStudio scenario workbook. Lists hold one item per line in their cell. Sheets: " +
            string.Join("; ", new[] { ScenarioSheet.Purpose, PhaseSheet.Purpose, TestCaseSheet.Purpose, RubricSheet.Purpose, KnowledgeSheet.Purpose,
                CardSheet.Purpose }.Zip(new[] { Scenarios, Phases, TestCases, Rubric, Knowledge, Cards }, (p, n) => $"{n}: {p}")));
        foreach (var row in Describe(ScenarioSheet).Concat(Describe(PhaseSheet)).Concat(Describe(TestCaseSheet)).Concat(Describe(RubricSheet))
                     .Concat(Describe(KnowledgeSheet)).Concat(Describe(CardSheet)))
            yield return row;
    }

    /// <summary>A list cell's items: one per line, blank lines dropped.</summary>
    public static List<string> SplitLines(string cell) =>
        cell.Split(['\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static SheetColumn<T> Text<T>(string header, string help, Func<T, string> get, Action<T, string> set) =>
        new(header, help, get, (row, value) => { set(row, value); return null; });

    private static SheetColumn<T> Lines<T>(string header, string help, Func<T, List<string>> get) =>
        new(header, help, row => string.Join('\n', get(row)), (row, value) => { get(row).AddRange(SplitLines(value)); return null; });

    private static SheetColumn<T> Whole<T>(string header, string help, Func<T, int> get, Action<T, int> set) =>
        new(header, help, row => get(row), (row, value) => ReadWhole(value, n => set(row, n)));

    private static SheetColumn<T> Choice<T, TEnum>(string header, Func<T, TEnum> get, Action<T, TEnum> set) where TEnum : struct, Enum =>
        new(header, "One of: " + string.Join(", ", Enum.GetNames<TEnum>().Select(ToCamel)) + ".", row => ToCamel(get(row).ToString()), (row, value) =>
        {
            if (Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(value.FirstOrDefault()))
            {
                set(row, parsed);
                return null;
            }
            return $"{header} must be one of {string.Join(", ", Enum.GetNames<TEnum>().Select(ToCamel))} (read “{Shorten(value)}”).";
        });

    private static string? ReadWhole(string value, Action<int> set)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n == Math.Floor(n) && Math.Abs(n) <= int.MaxValue)
        {
            set((int)n);
            return null;
        }
        return $"expected a whole number (read “{Shorten(value)}”).";
    }

    private static string? ReadOptionalWhole(string value, Action<int?> set)
    {
        if (value.Length == 0)
        {
            set(null);
            return null;
        }
        return ReadWhole(value, n => set(n));
    }

    private static string? ReadNumber(string value, Action<double> set)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            set(n);
            return null;
        }
        return $"expected a number such as 0.7 (read “{Shorten(value)}”).";
    }

    private static string? ReadBool(string value, Action<bool> set)
    {
        switch (value.ToLowerInvariant())
        {
            case "true" or "1" or "yes": set(true); return null;
            case "false" or "0" or "no" or "": set(false); return null;
            default: return $"expected TRUE or FALSE (read “{Shorten(value)}”).";
        }
    }

    internal static string ToCamel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

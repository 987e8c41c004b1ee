using System.Text.RegularExpressions;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The authoring rules (PRODUCT.md §1). Field keys match the builder's fields, e.g. "Title", "Phases[1].IdealResponse",
/// so each message is shown next to its field. Slug uniqueness needs the database and is checked by the service.
/// </summary>
public static partial class ScenarioValidator
{
    /// <summary>The longest AI prompt (persona prompt, coach instructions) and the longest card notes.</summary>
    public const int MaxPromptLength = 4000;
    public const int MinPhases = 2, MaxPhases = 6, LanguageMinItems = 5, MaxListItems = 50, MaxTestCases = 12, MaxTags = 20, MaxTagLength = 30;
    public const string CategoryRule = "The category must be 2 to 50 characters.";
    public static readonly string TagsRule = $"Use at most {MaxTags} tags of at most {MaxTagLength} characters.";

    /// <summary>The category rule, also checked by bulk changes of category.</summary>
    public static bool IsValidCategory(string category) => category.Trim().Length is >= 2 and <= 50;

    /// <summary>The tags rule, also checked by bulk tagging.</summary>
    public static bool AreValidTags(IReadOnlyCollection<string> tags) => tags.Count <= MaxTags && tags.All(t => t.Trim().Length <= MaxTagLength);

    public static FieldErrors Validate(ScenarioDocument d, bool forPublish)
    {
        var e = new FieldErrors();
        var title = d.Title.Trim();
        e.Check(title.Length is >= 3 and <= 100, "Title", "The title must be 3 to 100 characters.");
        e.Check(SlugPattern().IsMatch(d.Slug.Trim()), "Slug", "Use 3 to 80 lower-case letters, digits and dashes, e.g. trial-pack-objection.");
        e.Check(d.Description.Trim().Length <= 500, "Description", $"The description must be at most 500 characters (now {d.Description.Trim().Length}).");
        e.Check(Enum.IsDefined(d.Domain), "Domain", "Choose a domain.");
        e.Check(Enum.IsDefined(d.Difficulty), "Difficulty", "Choose a difficulty.");
        e.Check(IsValidCategory(d.Category), "Category", CategoryRule);
        e.Check(d.TotalMinutes() is >= 5 and <= 60, "EstimatedMinutes",
            $"A scenario takes 5 to 60 minutes; its phases' expected minutes add up to {d.TotalMinutes()}.");
        e.Check(d.XpReward is >= 0 and <= 1000, "XpReward", "The XP reward must be 0 to 1000.");
        e.Check(AreValidTags(d.Tags), "Tags", TagsRule);
        e.Check(LocalePattern().IsMatch(d.Locale.Trim()), "Locale", "Use a language tag such as en-GB or es.");

        e.Check(d.Persona.Name.Trim().Length is >= 1 and <= 60, "Persona.Name", "Give the customer a name (at most 60 characters).");
        e.Check(d.Persona.Age is null or (>= 16 and <= 100), "Persona.Age", "The age must be 16 to 100, or empty.");
        e.Check(d.Persona.Traits.Count <= 10, "Persona.Traits", "Use at most 10 traits.");
        e.Check((d.Persona.CardNotes?.Length ?? 0) <= MaxPromptLength, "Persona.CardNotes", $"Card notes are at most {MaxPromptLength} characters.");
        e.Check(d.Persona.AvatarId is null || AvatarIdPattern().IsMatch(d.Persona.AvatarId), "Persona.AvatarId", "Upload the picture again.");

        e.Check(d.Phases.Count is >= MinPhases and <= MaxPhases, "Phases", $"A scenario has {MinPhases} to {MaxPhases} phases (now {d.Phases.Count}).");
        for (var i = 0; i < d.Phases.Count; i++) ValidatePhase(e, d, d.Phases[i], $"Phases[{i}]", forPublish);

        var weights = d.Rubric.Sum(c => c.Weight);
        e.Check(d.Rubric.Count is >= 1 and <= 10, "Rubric", "The rubric needs 1 to 10 criteria.");
        e.Check(d.Rubric.Count == 0 || weights == 100, "Rubric", $"The rubric weights must add up to 100 (now {weights}).");
        for (var i = 0; i < d.Rubric.Count; i++)
        {
            e.Check(d.Rubric[i].Name.Trim().Length is >= 2 and <= 60, $"Rubric[{i}].Name", "Name the criterion (2 to 60 characters).");
            e.Check(d.Rubric[i].Weight is >= 1 and <= 100, $"Rubric[{i}].Weight", "A weight is 1 to 100.");
        }
        e.Check(d.Rubric.Select(c => c.Name.Trim().ToLowerInvariant()).Distinct().Count() == d.Rubric.Count, "Rubric", "Each criterion needs its own name.");

        e.Check(d.Ai.Temperature is >= 0 and <= 2, "Ai.Temperature", "The temperature must be 0 to 2.");
        e.Check(d.Ai.MaxTurns is >= 1 and <= 10, "Ai.MaxTurns", "Max turns per phase must be 1 to 10.");
        e.Check(d.Ai.PersonaPrompt.Length <= MaxPromptLength && d.Ai.CoachInstructions.Length <= MaxPromptLength, "Ai",
            $"Prompts are at most {MaxPromptLength} characters.");
        return e;
    }

    private static void ValidatePhase(FieldErrors e, ScenarioDocument d, Phase p, string key, bool forPublish)
    {
        e.Check(p.Name.Trim().Length is >= 2 and <= 80, $"{key}.Name", "Name the phase (2 to 80 characters).");
        e.Check(p.ExpectedMinutes is >= 1 and <= 30, $"{key}.ExpectedMinutes", "A phase takes 1 to 30 minutes.");
        e.Check(p.KeyVocabulary.Count <= MaxListItems && p.EssentialPhrases.Count <= MaxListItems, key,
            $"Use at most {MaxListItems} words and phrases per phase.");
        if (d.Domain == ScenarioDomain.Language)
        {
            e.Check(p.KeyVocabulary.Count(v => v.Trim().Length > 0) >= LanguageMinItems, $"{key}.KeyVocabulary",
                $"Language scenarios need at least {LanguageMinItems} vocabulary items per phase (now {p.KeyVocabulary.Count}).");
            e.Check(p.EssentialPhrases.Count(v => v.Trim().Length > 0) >= LanguageMinItems, $"{key}.EssentialPhrases",
                $"Language scenarios need at least {LanguageMinItems} essential phrases per phase (now {p.EssentialPhrases.Count}).");
        }
        e.Check(p.TestCases.Count <= MaxTestCases, $"{key}.TestCases", $"Keep at most {MaxTestCases} test cases per phase.");
        for (var t = 0; t < p.TestCases.Count; t++)
        {
            var c = p.TestCases[t];
            var caseKey = $"{key}.TestCases[{t}]";
            e.Check(c.Name.Trim().Length is >= 2 and <= 80, $"{caseKey}.Name", "Name the test case (2 to 80 characters), e.g. “Good paraphrase”.");
            e.Check(c.Answer.Trim().Length is >= 1 and <= 2000, $"{caseKey}.Answer", "Write the sample answer (up to 2,000 characters).");
            e.Check(c.MinScore is >= 0 and <= 100 && c.MaxScore is >= 0 and <= 100 && c.MinScore <= c.MaxScore, $"{caseKey}.MinScore",
                "The band runs from a lowest to a highest score, each 0 to 100.");
        }
        if (forPublish)
        {
            e.Check(p.CustomerOpening.Trim().Length > 0, $"{key}.CustomerOpening", "Write the customer's opening line before publishing.");
            e.Check(p.IdealResponse.Trim().Length > 0, $"{key}.IdealResponse", "Write an ideal response before publishing.");
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,78})[a-z0-9]$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex AvatarIdPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LocalePattern();

    /// <summary>A BCP 47 language tag such as en-GB or es.</summary>
    public static bool IsLocale(string tag) => LocalePattern().IsMatch(tag.Trim());

    public static string Slugify(string title)
    {
        var slug = NonSlug().Replace(title.Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 70) slug = slug[..70].Trim('-');
        return slug.Length >= 3 ? slug : "scenario-" + slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}

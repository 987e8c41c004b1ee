using System.Text.Json.Serialization;

namespace ScenarioStudio.Scenarios;

// The authored content of a scenario, as a creator edits it, as templates are stored under
// Scenarios/Templates/*.json and as import/export files carry it. Property names serialise in camelCase.

public enum ScenarioDomain { Sales, Support, Collections, Language }

public enum Difficulty { Beginner, Intermediate, Advanced }

public enum Visibility { Private, Organisation, Public }

public enum ScenarioStatus { Draft, InReview, Published, Archived }

public sealed class ScenarioDocument
{
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    /// <summary>Markdown, 0-500 characters.</summary>
    public string Description { get; set; } = "";
    /// <summary>The domain decides the default rubric and the language-scenario rules.</summary>
    public ScenarioDomain Domain { get; set; }
    /// <summary>Free category within the organisation's list, e.g. "Objection handling", "Restaurant".</summary>
    public string Category { get; set; } = "";
    public Difficulty Difficulty { get; set; }
    /// <summary>Kept equal to the phases' expected minutes added up (see <see cref="TotalMinutes"/>); imports may carry any figure.</summary>
    public int EstimatedMinutes { get; set; } = 15;
    public int XpReward { get; set; } = 100;
    public List<string> Tags { get; set; } = [];
    /// <summary>BCP 47 locale of the conversation, e.g. "en-GB", "es-ES".</summary>
    public string Locale { get; set; } = "en-GB";
    public Persona Persona { get; set; } = new();
    public ScenarioContext Context { get; set; } = new();
    public List<Phase> Phases { get; set; } = [];
    public ToneGuidelines Tone { get; set; } = new();
    public List<RubricCriterion> Rubric { get; set; } = [];
    public AiSettings Ai { get; set; } = new();

    /// <summary>The duration learners see: the phases' expected minutes added up (the stored figure while there are no phases).</summary>
    public int TotalMinutes() => Phases.Count == 0 ? EstimatedMinutes : Phases.Sum(p => p.ExpectedMinutes);
}

public sealed class Persona
{
    public string Name { get; set; } = "";
    public int? Age { get; set; }
    public string Role { get; set; } = "";
    /// <summary>e.g. "assertive", "anxious", "sceptical".</summary>
    public List<string> Traits { get; set; } = [];
    public string StartingMood { get; set; } = "";
    public List<string> Goals { get; set; } = [];
    /// <summary>Facts the learner must uncover by asking.</summary>
    public List<string> HiddenInformation { get; set; } = [];
    public string SpeakingStyle { get; set; } = "";
    /// <summary>The persona's picture: an id in the organisation's PersonaAvatars table, served by /avatars/{id}; null for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AvatarId { get; set; }
    /// <summary>
    /// What an imported character card carried that no field here holds (creator notes, tags, other greetings…), kept for
    /// the creator to read; the AI customer does not see it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CardNotes { get; set; }
}

public sealed class ScenarioContext
{
    /// <summary>The situation brief shown to the learner (Markdown).</summary>
    public string LearnerBrief { get; set; } = "";
    /// <summary>The ticket or account side card, e.g. Account number, Balance, Last payment.</summary>
    public List<CardField> TicketFields { get; set; } = [];
    public List<KnowledgeEntry> KnowledgeBase { get; set; } = [];
    /// <summary>Facts the customer must confirm before account details may be discussed.</summary>
    public List<CardField> VerificationFacts { get; set; } = [];
    /// <summary>Show each phase's essential phrases to the learner as hints (before and during practice); hidden by default.</summary>
    public bool ShowPhrasesAsHints { get; set; }
}

public sealed class CardField
{
    public string Label { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class KnowledgeEntry
{
    public string Title { get; set; } = "";
    /// <summary>Markdown.</summary>
    public string Body { get; set; } = "";
}

public sealed class Phase
{
    /// <summary>
    /// Stays with the phase through edits, reordering and versions, so analytics and diffs match a phase by it, not
    /// by its position. Given when the phase is first saved.
    /// </summary>
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public List<string> Objectives { get; set; } = [];
    public List<string> KeyVocabulary { get; set; } = [];
    public List<string> EssentialPhrases { get; set; } = [];
    public List<string> SuccessCriteria { get; set; } = [];
    public string CulturalNotes { get; set; } = "";
    /// <summary>What the customer says to open this phase, in persona.</summary>
    public string CustomerOpening { get; set; } = "";
    /// <summary>What the customer pushes back with, in order, when the learner has not met the objective.</summary>
    public List<string> FollowUpObjections { get; set; } = [];
    /// <summary>A model answer to the opening.</summary>
    public string IdealResponse { get; set; } = "";
    public string CoachingNotes { get; set; } = "";
    public List<string> CommonMistakes { get; set; } = [];
    public int ExpectedMinutes { get; set; } = 3;
    /// <summary>Sample answers with the score band each must land in: the creator's checks on the coach.</summary>
    public List<RubricTestCase> TestCases { get; set; } = [];
}

/// <summary>A sample answer to a phase and the score band a trainer expects the coach to give it.</summary>
public sealed class RubricTestCase
{
    public string Name { get; set; } = "";
    public string Answer { get; set; } = "";
    public int MinScore { get; set; }
    public int MaxScore { get; set; } = 100;
}

public sealed class ToneGuidelines
{
    public List<string> PhrasesToUse { get; set; } = [];
    public List<string> PhrasesToAvoid { get; set; } = [];
    public List<string> Rules { get; set; } = [];
}

public sealed class RubricCriterion
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Weights of all criteria add up to 100.</summary>
    public int Weight { get; set; }
}

public sealed class AiSettings
{
    /// <summary>Extra instructions for the AI customer; empty means built from the persona.</summary>
    public string PersonaPrompt { get; set; } = "";
    public string CoachInstructions { get; set; } = "";
    public double Temperature { get; set; } = 0.7;
    public string? ModelOverride { get; set; }
    public int MaxTurns { get; set; } = 3;
}

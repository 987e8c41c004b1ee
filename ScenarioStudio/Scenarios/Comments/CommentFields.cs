namespace ScenarioStudio.Scenarios.Comments;

/// <summary>The fields a comment may point at, on the scenario and on a phase, with the names the builder shows.</summary>
public static class CommentFields
{
    public static readonly IReadOnlyList<(string Key, string Label)> Scenario =
    [
        ("Title", "Title"), ("Description", "Description"), ("Persona", "Customer"), ("LearnerBrief", "Learner brief"),
        ("TicketFields", "Ticket card"), ("KnowledgeBase", "Knowledge base"), ("VerificationFacts", "Verification facts"),
        ("Tone", "Tone"), ("Rubric", "Rubric"), ("Ai", "AI settings"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Phase =
    [
        ("Objectives", "Objectives"), ("KeyVocabulary", "Key vocabulary"), ("EssentialPhrases", "Essential phrases"),
        ("SuccessCriteria", "Success criteria"), ("CustomerOpening", "Customer opening"), ("FollowUpObjections", "Follow-up objections"),
        ("IdealResponse", "Ideal response"), ("CoachingNotes", "Coaching notes"), ("CommonMistakes", "Common mistakes"),
        ("TestCases", "Rubric test cases"),
    ];

    public static IReadOnlyList<(string Key, string Label)> For(bool phase) => phase ? Phase : Scenario;

    public static bool IsKnown(string key, bool phase) => For(phase).Any(f => f.Key == key);

    /// <summary>The builder's name for a field; the key itself for one this list does not know.</summary>
    public static string Label(string key) => Scenario.Concat(Phase).FirstOrDefault(f => f.Key == key).Label ?? key;
}

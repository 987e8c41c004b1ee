using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Complete, publishable scenario documents for tests.</summary>
public static class ScenarioSamples
{
    public static ScenarioDocument Publishable(string title = "Trial pack objection", ScenarioDomain domain = ScenarioDomain.Sales, int phases = 3)
    {
        var doc = RubricDefaults.NewDocument(domain);
        doc.Title = title;
        doc.Slug = ScenarioValidator.Slugify(title);
        doc.Description = "A prospect wants a **small trial pack** first.";
        doc.Persona = new Persona { Name = "Priya", Age = 41, Role = "Owner of a bakery chain", Traits = ["sceptical", "busy"], StartingMood = "guarded" };
        doc.Context.LearnerBrief = "You sell a WhatsApp marketing platform.";
        doc.Phases = Enumerable.Range(1, phases).Select(i => new Phase
        {
            Name = $"Phase {i}",
            CustomerOpening = $"Opening line {i}",
            IdealResponse = $"Ideal response {i}",
            KeyVocabulary = ["trial", "pilot", "onboarding", "campaign", "results"],
            EssentialPhrases = ["I understand", "Let me suggest", "Shall we", "What matters most", "Here is how"],
            ExpectedMinutes = 4,
        }).ToList();
        return doc;
    }
}

namespace ScenarioStudio.Scenarios;

/// <summary>The default rubric per domain (PRODUCT.md §1); creators edit it per scenario.</summary>
public static class RubricDefaults
{
    public static List<RubricCriterion> For(ScenarioDomain domain) => Criteria(domain)
        .Select(c => new RubricCriterion { Name = c.Name, Description = c.Description, Weight = 20 }).ToList();

    private static (string Name, string Description)[] Criteria(ScenarioDomain domain) => domain switch
    {
        ScenarioDomain.Sales =>
        [
            ("Confidence", "Speaks with calm authority and owns the recommendation."),
            ("Clarity", "Plain, specific language the customer can act on."),
            ("Structure", "Acknowledges, answers, then moves the conversation on."),
            ("Objection handling", "Finds the concern behind the objection and answers it."),
            ("Closing", "Ends with a concrete next step the customer agrees to."),
        ],
        ScenarioDomain.Support =>
        [
            ("Verification", "Confirms the caller's identity before account details."),
            ("Communication", "Empathetic, clear and jargon-free."),
            ("Technical accuracy", "Correct diagnosis and correct information."),
            ("Documentation", "States what is recorded on the ticket and what happens next."),
            ("Response time", "Gets to the point without needless back-and-forth."),
        ],
        ScenarioDomain.Collections =>
        [
            ("Compliance and verification", "Verifies identity and follows the required disclosures."),
            ("Empathy", "Acknowledges the customer's situation without judgement."),
            ("Negotiation", "Explores options and finds an affordable arrangement."),
            ("Payment commitment", "Secures a specific amount and date."),
            ("Documentation", "Confirms what is recorded and sent to the customer."),
        ],
        _ =>
        [
            ("Vocabulary use", "Uses the phase's key vocabulary correctly."),
            ("Phrase use", "Uses the essential phrases naturally."),
            ("Grammar and fluency", "Complete, well-formed sentences."),
            ("Task completion", "Achieves what the situation asks for."),
            ("Politeness and cultural fit", "Polite forms and culturally appropriate tone."),
        ],
    };

    /// <summary>A blank scenario for the builder: the domain's rubric and two empty phases to fill in.</summary>
    public static ScenarioDocument NewDocument(ScenarioDomain domain) => new()
    {
        Domain = domain,
        Category = domain switch
        {
            ScenarioDomain.Sales => "Objection handling",
            ScenarioDomain.Support => "Customer support",
            ScenarioDomain.Collections => "Collections",
            _ => "Everyday English",
        },
        Difficulty = Difficulty.Beginner,
        EstimatedMinutes = 15,
        XpReward = 100,
        Rubric = For(domain),
        Phases = [new Phase { Name = "Opening" }, new Phase { Name = "Resolution" }],
    };
}

using System.Text.Json;

namespace ScenarioStudio.Bench.Generate;

/// <summary>
/// The benchmark model's replies: a realistic draft per case (customer, context with ticket fields and knowledge-base
/// entries, phases with every field, a rubric), in the shapes the drafter asks for, about as long as a real model writes them.
/// </summary>
public static class DraftContent
{
    private sealed record Case(string Customer, string Role, string Company, string Product, string Price, string Offer, string Topic);

    private static readonly Case[] Cases =
    [
        new("Maria Lopez", "Owner of a café in Leeds", "PayFast", "Terminal Plus", "£29 a month", "three months at £19", "a card terminal contract"),
        new("Tom Becker", "IT manager at a logistics firm", "CloudNest", "Backup Pro", "£480 a year", "a 15% multi-year discount", "a backup renewal"),
        new("Aisha Khan", "Parent of two teenagers", "Linkly", "Family Fibre 500", "£42 a month", "a free speed upgrade for six months", "broadband outages"),
        new("Jonas Weber", "Director of a dental practice", "MediBook", "Booking Suite", "£95 a month", "onboarding worth £300 at no cost", "a booking system"),
        new("Grace Okafor", "Freelance designer", "FinFlex", "a £1,200 overdue balance", "£100 a month", "a twelve-month payment plan", "an overdue account"),
    ];

    private static Case For(int caseNo) => Cases[caseNo % Cases.Length];

    public static string Overview(int caseNo, int phases, bool broken)
    {
        var c = For(caseNo);
        var title = $"{c.Customer.Split(' ')[0]} questions {c.Topic} with {c.Company}";
        return JsonSerializer.Serialize(new
        {
            title = broken ? title + " — a long conversation about price, value, contract terms, loyalty, service history and what comes next" : title,
            description = $"{c.Customer}, {c.Role.ToLowerInvariant()}, calls about {c.Topic}. Find what matters to them and agree a next step.",
            tags = new[] { "retention", "objections", c.Company.ToLowerInvariant() },
            persona = new
            {
                name = c.Customer, age = 38 + caseNo % 20, role = c.Role, traits = new[] { "direct", "busy", "price-conscious" },
                startingMood = "frustrated but willing to listen",
                goals = new[] { $"Pay less than {c.Price}", "Avoid another long call", "Keep the service running" },
                hiddenInformation = new[] { $"Has a quote from a competitor for less than {c.Price}", "Would stay for a fair offer" },
                speakingStyle = "Short sentences, interrupts when the answer is vague.",
            },
            context = new
            {
                learnerBrief = $"You work for {c.Company}. {c.Customer} is calling about {c.Topic}. They currently pay {c.Price} for {c.Product}. "
                    + $"You may offer {c.Offer} to customers of more than two years. Understand the reason before making any offer.",
                ticketFields = new[]
                {
                    new { label = "Customer", value = c.Customer }, new { label = "Plan", value = $"{c.Product}, {c.Price}" },
                    new { label = "Customer since", value = "March 2022" },
                },
                knowledgeBase = new[]
                {
                    new { title = "Retention offer", body = $"Customers of more than two years may be offered {c.Offer}. Offer it once, after the reason is clear." },
                    new { title = "Notice period", body = "Cancellation takes effect 30 days after the request; no fee after the first 12 months." },
                },
                verificationFacts = new[] { new { label = "Postcode", value = "LS1 4AP" } },
            },
            tone = new
            {
                phrasesToUse = new[] { "I understand", "May I ask", "What would make this work for you?" },
                phrasesToAvoid = new[] { "calm down", "that's the policy" }, rules = new[] { "No pressure.", "One offer, clearly explained." },
            },
            phaseNames = Enumerable.Range(1, phases).Select(PhaseName).ToArray(),
        });
    }

    private static string PhaseName(int n) => n switch
    {
        1 => "Hear the reason", 2 => "Explore what matters", 3 => "Make the offer", 4 => "Handle the pushback", 5 => "Agree the next step", _ => "Close warmly",
    };

    public static string Phase(int caseNo, int n, bool broken)
    {
        var c = For(caseNo);
        return JsonSerializer.Serialize(new
        {
            name = PhaseName(n),
            description = $"Step {n}: the customer tests whether {c.Company} listens before it sells.",
            objectives = new[] { "Find the real reason", "Acknowledge the frustration", "Keep the conversation open" },
            keyVocabulary = new[] { "contract", "renewal", "notice period", "loyalty", c.Product },
            essentialPhrases = new[] { "I understand", "May I ask what changed?", "Here is what I can do" },
            successCriteria = new[] { "Asks an open question before any offer", "States figures exactly" },
            culturalNotes = "",
            customerOpening = $"Look, {c.Price} for {c.Product} is too much now. I want to cancel, or I want a reason not to.",
            followUpObjections = new[] { "Just cancel it, please.", "The other company is cheaper.", "Why did I have to call to get this?" },
            idealResponse = broken && n == 1 ? "" : $"I understand, and thank you for telling me straight. May I ask what changed for you? "
                + $"You have been with us since 2022, so if it is the price I can offer {c.Offer}. Would that help?",
            coachingNotes = "Look for an open question and an acknowledgement before any offer; the offer must use the exact figures.",
            commonMistakes = new[] { "Offering the discount at once", "Arguing about the price rise", "Vague figures" },
            expectedMinutes = 4,
            testCases = new[]
            {
                new { name = "Good paraphrase", answer = "That makes sense. Before anything else, what changed for you recently?", minScore = 60, maxScore = 100 },
                new { name = "Discount at once", answer = "OK, I'll give you a discount.", minScore = 0, maxScore = 50 },
            },
        });
    }

    public static string Rubric(bool broken) => JsonSerializer.Serialize(new
    {
        rubric = new[]
        {
            new { name = "Empathy", description = "Acknowledges the customer's feelings in their own terms.", weight = 30 },
            new { name = "Discovery", description = "Asks open questions and finds the real reason.", weight = 30 },
            new { name = "Offer", description = "Makes one clear offer with exact figures.", weight = broken ? 20 : 30 },
            new { name = "Next step", description = "Agrees a concrete next step.", weight = 10 },
        },
    });

    /// <summary>Fixes for the fields the repair request names; a field the model does not know how to fix is left out.</summary>
    public static string Fixes(int caseNo, IReadOnlyList<string> fields)
    {
        var c = For(caseNo);
        var fixes = new List<object>();
        foreach (var field in fields.Distinct())
        {
            object? value = field switch
            {
                "Title" => $"{c.Customer.Split(' ')[0]} questions {c.Topic}",
                "Rubric" => JsonSerializer.Deserialize<JsonElement>(Rubric(broken: false)).GetProperty("rubric"),
                _ when field.EndsWith(".IdealResponse", StringComparison.Ordinal) => "I understand, and thank you for telling me. May I ask "
                    + $"what changed for you? If it is the price, I can offer {c.Offer}.",
                _ => null,
            };
            if (value is not null) fixes.Add(new { field, value });
        }
        return JsonSerializer.Serialize(new { fixes });
    }
}

using System.Text.Json;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios.Authoring;

/// <summary>What a model answers to each of the drafter's section requests: valid JSON, unless a test breaks it.</summary>
public static class DraftReplies
{
    public static string Overview(string title = "Café owner cancels the card terminal", string customer = "Maria Lopez", int phases = 2,
        string brief = "Maria runs a small café. Her card terminal contract with PayFast rose to £29 a month and she wants to cancel.") =>
        JsonSerializer.Serialize(new
        {
            title,
            description = "A café owner wants to cancel after a price rise; keep her by finding what matters.",
            tags = new[] { "retention", "payments" },
            persona = new
            {
                name = customer, age = 44, role = "Owner of a café", traits = new[] { "busy", "direct" }, startingMood = "annoyed",
                goals = new[] { "Pay less" }, hiddenInformation = new[] { "She takes 200 card payments a week" }, speakingStyle = "short sentences",
            },
            context = new
            {
                learnerBrief = brief,
                ticketFields = new[] { new { label = "Plan", value = "Terminal Plus, £29/month" } },
                knowledgeBase = new[] { new { title = "Retention offer", body = "Up to three months at £19 for customers over two years." } },
                verificationFacts = Array.Empty<object>(),
            },
            tone = new { phrasesToUse = new[] { "I understand" }, phrasesToAvoid = new[] { "calm down" }, rules = new[] { "No pressure." } },
            phaseNames = Enumerable.Range(1, phases).Select(i => i == 1 ? "Hear the reason" : $"Offer and agree {i}").ToArray(),
        });

    public static string Phase(int n, string? idealResponse = "I understand the rise hurts. You have been with us two years, so I can offer three months "
        + "at £19. Shall I set that up today?", string opening = "I want to cancel. £29 a month is too much.") => JsonSerializer.Serialize(new
    {
        name = n == 1 ? "Hear the reason" : $"Offer and agree {n}",
        description = "The customer explains why she wants to leave.",
        objectives = new[] { "Find the real reason", "Acknowledge the price rise" },
        keyVocabulary = new[] { "contract", "terminal", "fee" },
        essentialPhrases = new[] { "I understand", "May I ask" },
        successCriteria = new[] { "Asks an open question" },
        culturalNotes = "",
        customerOpening = opening,
        followUpObjections = new[] { "Just cancel it, please." },
        idealResponse,
        coachingNotes = "Look for an open question before any offer.",
        commonMistakes = new[] { "Offering a discount at once" },
        expectedMinutes = 4,
        testCases = new[]
        {
            new { name = "Good paraphrase", answer = "I hear you. Can I ask what changed for you?", minScore = 60, maxScore = 100 },
        },
    });

    public static string Rubric(params int[] weights) => JsonSerializer.Serialize(new
    {
        rubric = (weights.Length == 0 ? [40, 30, 30] : weights).Select((w, i) => new
        {
            name = new[] { "Empathy", "Discovery", "Closing", "Clarity" }[i], description = "Does it well.", weight = w,
        }),
    });

    /// <summary>A whole valid draft of <paramref name="phases"/> phases, queued in the order the drafter asks.</summary>
    public static void EnqueueValid(LoopbackOpenAiServer server, int phases = 2, int delayMs = 0)
    {
        server.Enqueue(ScriptedReply.Text(Overview(phases: phases), delayMs));
        for (var i = 1; i <= phases; i++) server.Enqueue(ScriptedReply.Text(Phase(i), delayMs));
        server.Enqueue(ScriptedReply.Text(Rubric(), delayMs));
    }
}

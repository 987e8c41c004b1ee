using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>Issue 14.5: the verification facts authored on the Context tab are shown to the learner while practising.</summary>
public sealed class VerificationFactsTests : MudTestContext
{
    public VerificationFactsTests() => Services.AddSingleton<MarkdownRenderer>();

    [Fact]
    public void The_learner_sees_the_account_details_to_verify_the_customer_against()
    {
        var doc = Tests.Scenarios.ScenarioSamples.Publishable("Outage call", phases: 2);
        doc.Context.LearnerBrief = "Verify the customer with the facts below before discussing the account.";
        doc.Context.VerificationFacts = [new CardField { Label = "Full name", Value = "Aisha Khan" }, new CardField { Label = "Postcode", Value = "FK8 2AB" }];
        var view = new SessionView(Guid.NewGuid(), 1, doc.Title, doc, SessionStage.LearnerAnswer, 0, 0, [PhaseOutcome.Pending, PhaseOutcome.Pending], [],
            null, 0, "Learner", true, DateTimeOffset.UtcNow, null);

        var cards = Render<SideCards>(p => p.Add(c => c.View, view));

        var facts = cards.Find("#verification-facts");
        Assert.Contains("Verify the customer", facts.TextContent);
        Assert.Equal(["Full name", "Postcode"], facts.QuerySelectorAll("th").Select(th => th.TextContent));
        Assert.Equal(["Aisha Khan", "FK8 2AB"], facts.QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public void Without_facts_there_is_no_verification_card()
    {
        var doc = Tests.Scenarios.ScenarioSamples.Publishable("Trial", phases: 2);
        var view = new SessionView(Guid.NewGuid(), 1, doc.Title, doc, SessionStage.LearnerAnswer, 0, 0, [PhaseOutcome.Pending, PhaseOutcome.Pending], [],
            null, 0, "Learner", true, DateTimeOffset.UtcNow, null);

        Assert.Empty(Render<SideCards>(p => p.Add(c => c.View, view)).FindAll("#verification-facts"));
    }
}

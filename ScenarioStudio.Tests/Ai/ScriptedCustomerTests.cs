using ScenarioStudio.Ai;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Ai;

/// <summary>The offline customer reacts to what the learner said.</summary>
// In the browser collection: their CPU-heavy scoring would otherwise share the two cores with Chromium and slow
// the browser tests' frames.
[Collection("Browser")]
public sealed class ScriptedCustomerTests
{
    private static readonly ScriptedCustomer Customer = new(TestModel.Judge);
    private static readonly ScenarioDocument Outage = ScenarioLibrary.All.Single(t => t.Key == "support-internet-outage-verification").Document;

    private static PracticeMessage Said(Speaker speaker, int phase, string text) => new() { Speaker = speaker, PhaseIndex = phase, Text = text };

    private static string Reply(int phase, int turn, params PracticeMessage[] history) =>
        Customer.Line(new CustomerRequest(Outage, phase, turn, false, history));

    [Fact]
    public void It_gives_the_verification_facts_the_learner_asked_for_and_only_those()
    {
        var line = Reply(0, 1,
            Said(Speaker.Customer, 0, Outage.Phases[0].CustomerOpening),
            Said(Speaker.Learner, 0, "I'm sorry about that. Before I look at the account, can I take your full name and postcode?"));
        Assert.Contains("Aisha Rahman", line);
        Assert.Contains("FK8 2LP", line);
        Assert.DoesNotContain("1996", line);
    }

    [Fact]
    public void It_picks_the_objection_that_fits_what_the_learner_said_not_the_next_in_the_list()
    {
        var renewal = ScenarioLibrary.All.Single(t => t.Key == "sales-software-renewal-price").Document;
        var objections = renewal.Phases[0].FollowUpObjections;
        string Reply(params PracticeMessage[] history) =>
            Customer.Line(new CustomerRequest(renewal, 0, history.Count(m => m.Speaker == Speaker.Customer), false, history));
        var opening = Said(Speaker.Customer, 0, renewal.Phases[0].CustomerOpening);

        // A feature pitch meets "one system is much like another", the second objection in the list.
        var pitch = Said(Speaker.Learner, 0, "Our scheduling software is different from other systems: payroll integration and onboarding are included.");
        var line = Reply(opening, pitch);
        Assert.EndsWith(objections[1], line);
        // Once raised, an objection is not raised again.
        Assert.EndsWith(objections[0], Reply(opening, pitch, Said(Speaker.Customer, 0, line), pitch));
    }

    [Fact]
    public void It_answers_rudeness_sharply_and_courtesy_warmly_and_the_same_conversation_gets_the_same_line()
    {
        PracticeMessage[] rude = [Said(Speaker.Customer, 0, Outage.Phases[0].CustomerOpening), Said(Speaker.Learner, 0, "Calm down, it's not my problem.")];
        PracticeMessage[] polite = [Said(Speaker.Customer, 0, Outage.Phases[0].CustomerOpening),
            Said(Speaker.Learner, 0, "Thank you for your patience, I'm sorry, please bear with me.")];
        var sharp = Reply(0, 1, rude);
        Assert.Matches("tone|attitude|spoken to", sharp);
        var warm = Reply(0, 1, polite);
        Assert.Matches("appreciate|kind of you|thank you", warm);
        Assert.Equal(sharp, Reply(0, 1, rude));
    }

    [Fact]
    public void After_a_met_phase_it_acknowledges_and_opens_the_next_one()
    {
        var line = Customer.Line(new CustomerRequest(Outage, 1, 0, true,
            [Said(Speaker.Customer, 0, Outage.Phases[0].CustomerOpening), Said(Speaker.Learner, 0, Outage.Phases[0].IdealResponse)]));
        Assert.EndsWith(Outage.Phases[1].CustomerOpening.Trim(), line);
        Assert.NotEqual(Outage.Phases[1].CustomerOpening.Trim(), line);
    }
}

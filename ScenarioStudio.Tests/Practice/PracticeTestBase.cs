using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>A temp database with one organisation and a published two-phase scenario to practise.</summary>
public abstract class PracticeTestBase : IAsyncLifetime
{
    protected readonly TestDatabase Db = new();
    protected TestOrganisation Org = default!;
    protected int ScenarioId;
    protected ScenarioDocument Scenario = default!;

    public virtual async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Org = await Db.CreateOrganisationAsync("Acme");
        Scenario = ScenarioSamples.Publishable("Trial pack objection", phases: 2);
        Scenario.Phases[0].IdealResponse = "I understand you want to start small. Let me suggest a two week pilot with onboarding included. " +
            "Shall we pick a campaign for the trial?";
        Scenario.Phases[0].FollowUpObjections = ["Still sounds like a big commitment.", "I need to think about it."];
        Scenario.Phases[1].IdealResponse = "Here is how the pilot works: we measure results after two weeks. What matters most to you in the campaign? " +
            "Shall we book the onboarding call?";
        Scenario.Ai.MaxTurns = 2;
        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        ScenarioId = await asCreator.Get<ScenarioCommands>().CreateAsync(Scenario);
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        await asAdmin.Get<ScenarioLifecycle>().PublishAsync(ScenarioId);
    }

    public virtual Task DisposeAsync() => Db.DisposeAsync();

    /// <summary>Streams the due AI turn to its end and returns the tokens and the saved message.</summary>
    protected static async Task<(List<string> Tokens, PracticeMessage Saved)> RunAiAsync(PracticeService practice, Guid id, CancellationToken ct = default)
    {
        var tokens = new List<string>();
        PracticeMessage? saved = null;
        var ended = false;
        await foreach (var e in practice.StreamAiTurnAsync(id, ct))
        {
            // Tokens, then the end of the stream (the page shows the whole reply), then the saved message.
            if (e.Token is not null) { Assert.False(ended); tokens.Add(e.Token); }
            if (e.Ended) { Assert.Null(saved); ended = true; }
            if (e.Saved is not null) Assert.True(ended);
            saved ??= e.Saved;
        }
        return (tokens, saved ?? throw new InvalidOperationException("No message was saved."));
    }
}

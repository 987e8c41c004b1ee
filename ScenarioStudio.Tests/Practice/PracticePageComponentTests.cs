using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Ai;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>The practice page rendered with bUnit over the real services, streaming from the loopback model server.</summary>
public sealed class PracticePageComponentTests : MudTestContext
{
    private readonly TestDatabase db = new();
    private LoopbackOpenAiServer server = default!;
    private AsUser asLearner = default!;
    private Guid sessionId;

    public override async Task InitializeAsync()
    {
        await db.InitializeAsync();
        server = await LoopbackOpenAiServer.StartAsync();
        var org = await db.CreateOrganisationAsync("Acme");
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var scenarios = asAdmin.Scenarios();
            var id = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable());
            await scenarios.Lifecycle.PublishAsync(id);
            await using var context = await db.OpenUnfilteredAsync();
            context.AiSettings.Add(new OrganisationAiSettings
            {
                OrganisationId = org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "m"
            });
            await context.SaveChangesAsync();
            asLearner = await db.AsAsync(org.Learner);
            sessionId = await asLearner.Get<PracticeService>().StartAsync(id);
        }
        Services.AddSingleton(asLearner.Get<PracticeService>());
        Services.AddSingleton(asLearner.Get<ScenarioStudio.Coaching.CoachingService>());
        Services.AddSingleton(new MarkdownRenderer());
    }

    protected override async Task AfterDisposeAsync()
    {
        await asLearner.DisposeAsync();
        await server.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Streamed_tokens_appear_in_the_page_in_order_and_only_the_streaming_message_grows()
    {
        var chunks = Enumerable.Range(1, 30).Select(i => $"w{i:00} ").ToList();
        server.Enqueue(new ScriptedReply(chunks, DelayMs: 15));
        var snapshots = new List<string>();

        var page = Render<PracticePage>(p => p.Add(x => x.Id, sessionId));
        page.WaitForState(() =>
        {
            if (page.FindAll("#streaming-text").FirstOrDefault() is { } live) snapshots.Add(live.TextContent);
            return page.FindAll(".bubble.customer:not(.streaming)").Count == 1;
        }, TimeSpan.FromSeconds(20));

        Assert.Equal(string.Concat(chunks).Trim(), page.Find(".bubble.customer .text").TextContent.Trim());
        // Every intermediate render shows a prefix of the final text: tokens never arrive out of order.
        var final = string.Concat(chunks);
        Assert.NotEmpty(snapshots);
        Assert.All(snapshots, s => Assert.StartsWith(s, final));
        Assert.True(snapshots.Distinct().Count() < chunks.Count, "re-renders are throttled, not one per token");
        var view = await asLearner.Get<PracticeService>().GetAsync(sessionId);
        Assert.Equal(final, view.Messages.Single().Text);
    }

    [Fact]
    public void The_saved_message_replaces_the_streamed_one_in_the_same_render()
    {
        server.Enqueue(new ScriptedReply(["Good ", "evening, ", "welcome."], DelayMs: 20));
        var shown = new List<string?>();

        var page = Render<PracticePage>(p => p.Add(x => x.Id, sessionId));
        page.OnMarkupUpdated += (_, _) =>
        {
            lock (shown) shown.Add(page.FindAll(".bubble.customer .text").SingleOrDefault()?.TextContent);
        };
        page.WaitForElement(".bubble.customer:not(.streaming)", TimeSpan.FromSeconds(20));

        List<string?> renders;
        lock (shown) renders = [.. shown];
        // From the first token on, every render shows the customer's line: the bubble never blinks out between the
        // end of the stream and the saved message.
        var first = renders.FindIndex(t => !string.IsNullOrEmpty(t));
        Assert.True(first >= 0);
        Assert.All(renders.Skip(first), t => Assert.False(string.IsNullOrEmpty(t)));
        Assert.Equal("Good evening, welcome.", renders[^1]);
    }
}

using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;
using StackExchange.Redis;

namespace ScenarioStudio.Tests.ScaleOut;

/// <summary>
/// The proof of two nodes: two app processes behind no balancer at all (each page talks to the node it was
/// opened on), one database, one Redis. Each test has an organisation of its own.
/// </summary>
public sealed class TwoNodeTests(TwoNodeFixture nodes) : IClassFixture<TwoNodeFixture>
{
    [Fact]
    public async Task A_learner_practising_on_node_A_updates_the_managers_dashboard_open_on_node_B_live()
    {
        await nodes.EnsureRunningAsync();
        var (org, scenario) = await OrganisationWithScenarioAsync("Dashboards");
        await using (var asAdmin = await nodes.Data.AsAsync(org.Admin))
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Night shift", org.Manager.Id, [org.Learner.Id]));

        var managerContext = await nodes.NewContextAsync();
        var manager = await managerContext.NewPageAsync();
        await SignInAsync(manager, nodes.UrlB, org.Manager.Email!);
        await manager.GotoAsync($"{nodes.UrlB}/dashboard");
        await manager.WaitForCircuitAsync();
        var completed = manager.Locator("#learner-table .completed-count").First;
        await Assertions.Expect(completed).ToContainTextAsync("0 /");

        var learnerContext = await nodes.NewContextAsync();
        var learner = await learnerContext.NewPageAsync();
        await SignInAsync(learner, nodes.UrlA, org.Learner.Email!);
        await PractiseToTheEndAsync(learner, nodes.UrlA, scenario);

        // No reload on node B: the session's end crossed over through Redis.
        await Assertions.Expect(completed).ToContainTextAsync("1 /");
        Assert.StartsWith(nodes.UrlB, manager.Url, StringComparison.Ordinal);
        await manager.ScreenshotAsync("two-nodes-01-dashboard-on-b");
        await managerContext.CloseAsync();
        await learnerContext.CloseAsync();
    }

    [Fact]
    public async Task A_sign_in_on_node_A_is_honoured_on_node_B_and_a_stranger_is_sent_to_sign_in()
    {
        await nodes.EnsureRunningAsync();
        var (org, _) = await OrganisationWithScenarioAsync("Cookies");
        var context = await nodes.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, nodes.UrlA, org.Learner.Email!);

        // The cookie node A issued (its key ring in the database) opens an interactive page on node B.
        await page.GotoAsync($"{nodes.UrlB}/progress");
        await page.WaitForCircuitAsync();
        Assert.StartsWith($"{nodes.UrlB}/progress", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#stat-sessions")).ToBeVisibleAsync();

        var strangerContext = await nodes.NewContextAsync();
        var stranger = await strangerContext.NewPageAsync();
        await stranger.GotoAsync($"{nodes.UrlB}/progress");
        await Assertions.Expect(stranger).ToHaveURLAsync(new Regex("/Account/Login"));
        await context.CloseAsync();
        await strangerContext.CloseAsync();
    }

    [Fact]
    public async Task The_AI_call_limit_is_shared_so_a_call_on_node_A_uses_up_the_learners_minute_on_node_B()
    {
        await nodes.EnsureRunningAsync();
        await using var server = await LoopbackOpenAiServer.StartAsync();
        server.Default = ScriptedReply.Text("Hello, I am calling about my order.");
        var (org, scenario) = await OrganisationWithScenarioAsync("Limits");
        await using (var db = await nodes.Data.OpenUnfilteredAsync())
        {
            db.AiSettings.Add(new OrganisationAiSettings { OrganisationId = org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl,
                Model = "loopback-model", MaxTokens = 4000, UserCallsPerMinute = 1 });
            await db.SaveChangesAsync();
        }
        var context = await nodes.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, nodes.UrlA, org.Learner.Email!);

        await StartPracticeAsync(page, nodes.UrlA, scenario.Id);
        await Assertions.Expect(page.Locator(".bubble.customer:not(.streaming) .text")).ToHaveTextAsync("Hello, I am calling about my order.");

        await StartPracticeAsync(page, nodes.UrlB, scenario.Id);
        await Assertions.Expect(page.Locator("#ai-error")).ToContainTextAsync("You have reached your AI limit for this minute.");
        await using var check = await nodes.Data.OpenUnfilteredAsync();
        Assert.Equal(1, await check.AiCalls.CountAsync(c => c.UserId == org.Learner.Id));
        Assert.Single(server.Requests);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Killing_node_A_mid_stream_leaves_the_session_resumable_on_node_B_with_only_the_unfinished_message_lost()
    {
        // Node A streams slowly, so there is time to kill it in the middle of the coach's reply.
        await nodes.StartAsync("A", new Dictionary<string, string> { ["Ai__Offline__WordDelayMs"] = "120" });
        var (org, scenario) = await OrganisationWithScenarioAsync("Failover");
        var context = await nodes.NewContextAsync();
        var onA = await context.NewPageAsync();
        await SignInAsync(onA, nodes.UrlA, org.Learner.Email!);
        await StartPracticeAsync(onA, nodes.UrlA, scenario.Id);
        var sessionId = Guid.Parse(onA.Url[(onA.Url.LastIndexOf('/') + 1)..]);
        await Assertions.Expect(onA.Locator(".bubble.customer:not(.streaming)")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var answer = scenario.Document.Phases[0].IdealResponse;
        await AnswerAsync(onA, answer);
        await Assertions.Expect(onA.Locator("#streaming-text")).Not.ToBeEmptyAsync();

        await nodes.KillAsync("A");

        await using (var db = await nodes.Data.OpenUnfilteredAsync())
        {
            var saved = await db.PracticeMessages.Where(m => m.SessionId == sessionId).OrderBy(m => m.Id).ToListAsync();
            Assert.Equal([Speaker.Customer, Speaker.Learner], saved.Select(m => m.Speaker));
            Assert.Equal(answer, saved[1].Text);
        }
        // The dead node's claim on the stream lapses within its expiry.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(nodes.RedisConnection))
        {
            var claim = (RedisKey)$"{nodes.Prefix}stream:{sessionId:N}";
            var until = DateTime.UtcNow.AddSeconds(TwoNodeFixture.StreamClaimSeconds + 3);
            while (await redis.GetDatabase().KeyExistsAsync(claim))
            {
                Assert.True(DateTime.UtcNow < until, "The dead node's stream claim did not expire.");
                await Task.Delay(100);
            }
        }

        // The learner opens the session on node B (the balancer's other node): the coach answers there, from the start.
        var onB = await context.NewPageAsync();
        await onB.GotoAsync($"{nodes.UrlB}/practice/{sessionId}");
        await onB.WaitForCircuitAsync();
        await Assertions.Expect(onB.Locator(".bubble.coach .overall-score")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(onB.Locator(".bubble.learner")).ToHaveCountAsync(1);
        await using (var db = await nodes.Data.OpenUnfilteredAsync())
        {
            var saved = await db.PracticeMessages.Where(m => m.SessionId == sessionId).OrderBy(m => m.Id).ToListAsync();
            Assert.Equal([Speaker.Customer, Speaker.Learner, Speaker.Coach], saved.Select(m => m.Speaker));
            Assert.False(saved[2].Stopped);
        }
        await onB.ScreenshotAsync("two-nodes-02-resumed-on-b");
        await context.CloseAsync();
        await nodes.StartAsync("A");
    }

    private async Task<(TestOrganisation Org, (int Id, ScenarioDocument Document) Scenario)> OrganisationWithScenarioAsync(string name)
    {
        var org = await nodes.Data.CreateOrganisationAsync($"{name} {Guid.NewGuid():N}");
        // The practice service tests' scenario: two phases whose ideal answers the offline coach passes.
        var scenario = ScenarioSamples.Publishable("Trial pack objection", phases: 2);
        scenario.Phases[0].IdealResponse = "I understand you want to start small. Let me suggest a two week pilot with onboarding included. " +
            "Shall we pick a campaign for the trial?";
        scenario.Phases[1].IdealResponse = "Here is how the pilot works: we measure results after two weeks. What matters most to you in the campaign? " +
            "Shall we book the onboarding call?";
        scenario.Ai.MaxTurns = 2;
        await using var asAdmin = await nodes.Data.AsAsync(org.Admin);
        var id = await asAdmin.Get<ScenarioCommands>().CreateAsync(scenario);
        await asAdmin.Get<ScenarioLifecycle>().PublishAsync(id);
        return (org, (id, scenario));
    }

    private static async Task SignInAsync(IPage page, string node, string email)
    {
        await page.GotoAsync($"{node}/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", TestPasswords.Good);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForCircuitAsync();
    }

    private static async Task StartPracticeAsync(IPage page, string node, int scenarioId)
    {
        await page.GotoAsync($"{node}/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/practice/[0-9a-f-]{36}$"));
    }

    /// <summary>Answers every turn with the current phase's ideal answer until the summary shows.</summary>
    private static async Task PractiseToTheEndAsync(IPage page, string node, (int Id, ScenarioDocument Document) scenario)
    {
        await StartPracticeAsync(page, node, scenario.Id);
        for (var turn = 0; turn < 12; turn++)
        {
            await page.Locator("#answer-input:enabled, #session-summary").First.WaitForAsync(new() { Timeout = 30_000 });
            if (await page.Locator("#session-summary").IsVisibleAsync()) return;
            var phase = await page.Locator(".bubble.customer").CountAsync() > 1 && await PhaseTwoAsync(page) ? 1 : 0;
            await AnswerAsync(page, scenario.Document.Phases[phase].IdealResponse);
        }
        Assert.Fail("The session did not end within 12 answers.");
    }

    private static async Task<bool> PhaseTwoAsync(IPage page) => await page.Locator("#phase-progress [data-outcome=Met]").CountAsync() > 0;

    /// <summary>
    /// Sends an answer and waits until the page shows it as the learner's message. (The box is disabled only while the
    /// offline coach answers, which can be shorter than one look of the test, so that is not what is waited for.) A click
    /// that lands while the page is still swapping its first render for the live one can be dropped: the box then still
    /// holds the text, and it is clicked again; a handled click empties the box, so nothing is sent twice.
    /// </summary>
    private static async Task AnswerAsync(IPage page, string text)
    {
        var box = page.Locator("#answer-input");
        var learnerMessages = page.Locator(".bubble.learner");
        var before = await learnerMessages.CountAsync();
        await Assertions.Expect(box).ToBeEnabledAsync();
        await box.FillAsync(text);
        for (var attempt = 1; ; attempt++)
        {
            await page.ClickAsync("#send-answer");
            try
            {
                await Assertions.Expect(learnerMessages).ToHaveCountAsync(before + 1, new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                if (!await box.IsEnabledAsync() || await box.InputValueAsync() != text) throw;
            }
        }
    }
}

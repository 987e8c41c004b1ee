using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>An Admin points the organisation at a loopback OpenAI-compatible server and plays one phase through Semantic Kernel.</summary>
public sealed class KernelPracticeBrowserTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private LoopbackOpenAiServer server = default!;

    public async Task InitializeAsync() => server = await LoopbackOpenAiServer.StartAsync();
    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task An_admin_connects_a_model_server_and_a_phase_is_played_through_it()
    {
        var people = await app.PeopleAsync();
        var scenario = ScenarioSamples.Publishable("Loopback practice", phases: 2);
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(scenario);
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }

        var page = await app.NewPageAsync(1300, 950);
        await page.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await page.GotoAsync("/admin/ai");
        await page.WaitForCircuitAsync();
        await page.GetByText("OpenAI-compatible server", new() { Exact = true }).ClickAsync();
        await page.FillFieldAsync("#ai-endpoint", server.BaseUrl);
        await page.FillFieldAsync("#ai-model", "loopback-model");
        await page.FillFieldAsync("#ai-key", "sk-loopback");
        server.Enqueue(ScriptedReply.Text("Hello! How can I help you today?"));
        await page.ClickAsync("#test-ai");
        await Assertions.Expect(page.Locator("#ai-test-result")).ToContainTextAsync("did not follow the test instruction");
        server.Enqueue(ScriptedReply.FollowsTheTestInstruction());
        await page.ClickAsync("#test-ai");
        await Assertions.Expect(page.Locator("#ai-test-result")).ToContainTextAsync("Connected: loopback-model answered and followed the test instruction.");
        await page.ClickAsync("#save-ai");
        await Assertions.Expect(page.Locator("label[for=ai-key]")).ToHaveTextAsync("API key (stored encrypted; type to replace)");
        await page.ScreenshotAsync("practice-04-ai-settings");

        var scores = JsonSerializer.Serialize(new
        {
            overall = 82,
            criteria = scenario.Rubric.Select(c => new { name = c.Name, score = 82, evidence = "Clear and calm." }),
            went_well = new[] { "You acknowledged the concern." }, to_improve = new[] { "Name a date." },
            better_version = "I understand. Shall we start the pilot on Monday?", objective_met = true,
        });
        server.Enqueue(
            new ScriptedReply(["I ", "only ", "want ", "a ", "small ", "trial ", "pack."], DelayMs: 30),
            new ScriptedReply(["Good ", "answer: ", "calm ", "and ", "clear.\n", "SCORES: ", scores], DelayMs: 30));

        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/practice/"));
        await Assertions.Expect(page.Locator(".bubble.customer .text")).ToHaveTextAsync("I only want a small trial pack.");
        await page.Locator("#answer-input").FillAsync("I understand. Let me suggest a pilot. Shall we start Monday?");
        await page.ClickAsync("#send-answer");
        var coach = page.Locator(".bubble.coach");
        await Assertions.Expect(coach.Locator(".overall-score")).ToHaveTextAsync("82");
        await Assertions.Expect(coach.Locator(".text")).ToHaveTextAsync("Good answer: calm and clear.");
        await Assertions.Expect(coach).Not.ToContainTextAsync("SCORES");
        await page.ScreenshotAsync("practice-05-kernel-phase");
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task A_reached_ai_limit_says_when_it_resets_and_the_retry_button_counts_down_to_it()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable("Limited practice", phases: 2));
            await scenarios.Lifecycle.PublishAsync(scenarioId);
            // One AI call per learner per minute: the customer's opening takes it, so the coach's turn meets the limit.
            await asAdmin.Get<AiSettingsService>().SaveAsync(new AiSettingsInput
            {
                Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "loopback-model", MaxTokens = 4000, UserCallsPerMinute = 1,
            });
        }
        var learner = await app.NewMemberAsync(OrgRole.Learner, "Lim Learner");
        server.Enqueue(ScriptedReply.Text("I only want a small trial pack."));

        var page = await app.NewPageAsync(1300, 900);
        await page.SignInAsync(learner, AppFixture.Password);
        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        await Assertions.Expect(page.Locator(".bubble.customer .text")).ToHaveTextAsync("I only want a small trial pack.");
        await page.Locator("#answer-input").FillAsync("I understand. Let me suggest a pilot. Shall we start Monday?");
        await page.ClickAsync("#send-answer");

        // The message says when the limit resets, and Retry is held back, counting down to that moment.
        var error = page.Locator("#ai-error");
        await Assertions.Expect(error).ToContainTextAsync("You have reached your AI limit for this minute. You can continue in");
        var retry = page.Locator("#retry");
        await Assertions.Expect(retry).ToBeDisabledAsync();
        await Assertions.Expect(retry).ToHaveTextAsync(new Regex(@"^Retry in \d+ s$"));
        var first = await retry.TextContentAsync();
        await Assertions.Expect(retry).Not.ToHaveTextAsync(first!, new() { Timeout = 5_000 });
        await Assertions.Expect(retry).ToHaveTextAsync(new Regex(@"^Retry in \d+ s$"));
        await page.ScreenshotAsync("practice-06-ai-limit");
        Assert.Empty(app.PageErrors[page]);

        // The other tests of this app practise under the default limits.
        await using var restore = await app.AsAsync(people[OrgRole.Admin]);
        await restore.Get<AiSettingsService>().SaveAsync(new AiSettingsInput
        {
            Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "loopback-model", MaxTokens = 4000,
        });
    }

    [Fact]
    public async Task The_page_follows_a_long_stream_until_the_learner_scrolls_up_to_read()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable("Long complaint", phases: 2));
            await scenarios.Lifecycle.PublishAsync(scenarioId);
            await asAdmin.Get<AiSettingsService>().SaveAsync(new AiSettingsInput
            {
                Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "loopback-model", MaxTokens = 4000,
            });
        }
        // About 80 lines of text over 4 seconds, into a window 500 pixels high.
        server.Enqueue(new ScriptedReply(
            Enumerable.Range(1, 80).Select(i => $"Part {i:00} of a long complaint about an order that went wrong twice. ").ToList(), DelayMs: 50));

        var page = await app.NewPageAsync(1000, 500);
        await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        var streamed = page.Locator("#streaming-text");

        // While it streams, the page scrolls along: the newest text stays in view.
        await Assertions.Expect(streamed).ToContainTextAsync("Part 25 ");
        await UntilAsync(page, "window.scrollY > 200");
        await Assertions.Expect(streamed).ToBeInViewportAsync();

        // The learner scrolls up to read from the start: the page stays there while the rest arrives.
        await page.Mouse.MoveAsync(300, 300);
        await page.Mouse.WheelAsync(0, -20_000);
        await UntilAsync(page, "window.scrollY === 0");
        await Assertions.Expect(page.Locator(".bubble.customer:not(.streaming) .text")).ToContainTextAsync("Part 80 ", new() { Timeout = 20_000 });
        Assert.Equal(0, await page.EvaluateAsync<double>("window.scrollY"));
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task Leaving_the_page_mid_stream_keeps_what_arrived_as_a_stopped_line_and_the_app_logs_no_error()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable("Interrupted complaint", phases: 2));
            await scenarios.Lifecycle.PublishAsync(scenarioId);
            await asAdmin.Get<AiSettingsService>().SaveAsync(new AiSettingsInput
            {
                Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "loopback-model", MaxTokens = 4000,
            });
        }
        server.Enqueue(new ScriptedReply(Enumerable.Range(1, 200).Select(i => $"Part {i:000} of a complaint. ").ToList(), DelayMs: 50));

        var page = await app.NewPageAsync();
        await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        await Assertions.Expect(page.Locator("#streaming-text")).ToContainTextAsync("Part 005 ");
        var sessionId = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);

        // A full page load ends the circuit at once (the browser tells the server as it unloads), and with it the stream.
        await page.GotoAsync("/progress");
        await page.WaitForCircuitAsync();
        PracticeMessage? stopped = null;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            for (var i = 0; i < 200 && stopped is null; i++)
            {
                if ((await asLearner.Get<PracticeService>().GetAsync(sessionId)).Messages.LastOrDefault() is { Stopped: true } last) stopped = last;
                else await Task.Delay(50);
            }
        }
        Assert.NotNull(stopped);
        Assert.StartsWith("Part 001 of a complaint.", stopped.Text);
        Assert.DoesNotContain("Part 200", stopped.Text);
        Assert.Empty(app.PageErrors[page]);
        Assert.Empty(app.Log.Unexpected); // the fixture checks again once the app has shut down
    }

    // Playwright's WaitForFunction compiles its predicate in the page, which the app's CSP (no unsafe-eval) refuses;
    // EvaluateAsync goes through the DevTools protocol instead.
    private static async Task UntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await page.EvaluateAsync<bool>(condition)) return;
            await Task.Delay(50);
        }
        Assert.Fail($"The page never met: {condition}");
    }
}

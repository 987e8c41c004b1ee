using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
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
            var scenarios = asAdmin.Get<ScenarioService>();
            scenarioId = await scenarios.CreateAsync(scenario);
            await scenarios.PublishAsync(scenarioId);
        }

        var page = await app.NewPageAsync(1300, 950);
        await page.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await page.GotoAsync("/admin/ai");
        await page.WaitForCircuitAsync();
        await page.GetByText("OpenAI-compatible server", new() { Exact = true }).ClickAsync();
        await page.FillFieldAsync("#ai-endpoint", server.BaseUrl);
        await page.FillFieldAsync("#ai-model", "loopback-model");
        await page.FillFieldAsync("#ai-key", "sk-loopback");
        server.Enqueue(ScriptedReply.Text("OK"));
        await page.ClickAsync("#test-ai");
        await Assertions.Expect(page.Locator("#ai-test-result")).ToContainTextAsync("Connected: loopback-model answered “OK”");
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
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

[Collection("Browser")]
public sealed class PracticeBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_learner_completes_a_seeded_two_phase_scenario_offline_reloading_mid_phase()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        ScenarioDocument scenario;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var scenarios = asLearner.Scenarios();
            var template = (await scenarios.Queries.ListTemplatesAsync()).First(t => t.PhaseCount == 2);
            scenarioId = template.Id;
            scenario = (await scenarios.Queries.GetAsync(scenarioId)).Document;
        }

        var page = await app.NewPageAsync(1300, 950);
        await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/practice/[0-9a-f-]{36}$"));
        var customer = page.Locator(".bubble.customer");
        await Assertions.Expect(customer).ToHaveCountAsync(1);
        await Assertions.Expect(customer.First.Locator(".text")).ToHaveTextAsync(scenario.Phases[0].CustomerOpening.Trim());

        // Phase 1, first try: a weak answer.
        await AnswerAsync(page, "Okay.");
        await Assertions.Expect(page.Locator(".bubble.coach .overall-score")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("practice-01-first-feedback");
        // Focus mode: no navigation drawer, the organisation's brand and a way out.
        await Assertions.Expect(page.Locator(".mud-drawer")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#organisation-name")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#leave-practice")).ToHaveAttributeAsync("href", "/scenarios");
        // The knowledge base is searchable during practice.
        var entries = page.Locator("#knowledge-base .kb-entry");
        var all = await entries.CountAsync();
        Assert.True(all >= 2);
        await page.Locator("#kb-search").FillAsync("breakfast");
        await Assertions.Expect(entries).Not.ToHaveCountAsync(all);
        await page.Locator("#kb-search").FillAsync("zzz-nothing");
        await Assertions.Expect(page.Locator("#kb-nothing")).ToBeVisibleAsync();
        await page.Locator("#kb-search").FillAsync("");
        await Assertions.Expect(entries).ToHaveCountAsync(all);

        // Reload mid-phase: everything is still there and it is the learner's turn to repeat.
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator(".bubble")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByLabel("Say the better version in your own words")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#answer-input")).ToBeInViewportAsync(new() { Ratio = 1 }); // back where they were

        var firstScore = await page.Locator(".bubble.coach .overall-score").First.InnerTextAsync();
        await AnswerAsync(page, scenario.Phases[0].IdealResponse);
        await Assertions.Expect(page.Locator(".bubble.coach .overall-score")).ToHaveCountAsync(2);
        // The repeat's score card shows the first try beside it.
        await Assertions.Expect(page.Locator(".bubble.coach").Nth(1).Locator(".first-try-score")).ToHaveTextAsync(firstScore);
        await Assertions.Expect(page.Locator(".bubble.coach").First.Locator(".first-try")).ToHaveCountAsync(0);
        await Assertions.Expect(customer).ToHaveCountAsync(2); // the customer moves on to phase 2
        await Assertions.Expect(page.Locator("#phase-progress [data-outcome=Met]")).ToHaveCountAsync(1);
        // The page follows the conversation: the end of the newest message and the answer box are in view.
        await Assertions.Expect(page.Locator(".bubble").Last).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(page.Locator("#answer-input")).ToBeInViewportAsync(new() { Ratio = 1 });
        await page.ScreenshotAsync("practice-02-phase-two");
        await page.SetViewportSizeAsync(375, 800);
        await page.ScreenshotAsync("practice-02-phase-two-phone");
        await page.SetViewportSizeAsync(1300, 950);

        // Phase 2, answered well twice.
        await AnswerAsync(page, scenario.Phases[1].IdealResponse);
        await Assertions.Expect(page.Locator(".bubble.coach .overall-score")).ToHaveCountAsync(3);
        await AnswerAsync(page, scenario.Phases[1].IdealResponse);
        await Assertions.Expect(page.Locator("#session-summary")).ToBeVisibleAsync();
        var score = int.Parse(await page.Locator("#summary-score").InnerTextAsync());
        Assert.InRange(score, 60, 100);
        await Assertions.Expect(page.Locator("#summary-phases tbody tr")).ToHaveCountAsync(2);
        await page.ScreenshotAsync("practice-03-summary");

        await page.GotoAsync("/progress");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#achievements [data-earned=yes]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#stat-sessions .stat-value")).Not.ToHaveTextAsync("0");
        await page.ScreenshotAsync("progress-01-learner");

        await page.GotoAsync("/practice/history");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#session-table")).ToContainTextAsync(scenario.Title);
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task A_learner_who_answers_well_in_their_own_words_passes_and_sees_their_sentence_quoted()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        ScenarioDocument scenario;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var scenarios = asLearner.Scenarios();
            var template = (await scenarios.Queries.ListTemplatesAsync()).First(t => t.Title.StartsWith("Refund request outside", StringComparison.Ordinal));
            scenarioId = template.Id;
            scenario = (await scenarios.Queries.GetAsync(scenarioId)).Document;
        }
        // The creator's paraphrase test case: no scripted phrase, its own order.
        var answer = scenario.Phases[0].TestCases.First(c => c.Name.Contains("paraphrase", StringComparison.OrdinalIgnoreCase)).Answer;
        Assert.DoesNotContain(scenario.Phases[0].EssentialPhrases, p => answer.Contains(p, StringComparison.OrdinalIgnoreCase));

        foreach (var (width, height, name) in new[] { (1366, 900, "desktop"), (375, 800, "phone") })
        {
            var page = await app.NewPageAsync(width, height);
            await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
            await page.GotoAsync($"/scenarios/{scenarioId}");
            await page.WaitForCircuitAsync();
            await page.ClickAsync("#practise");
            await Assertions.Expect(page.Locator(".bubble.customer")).ToHaveCountAsync(1);
            await AnswerAsync(page, answer);

            var card = page.Locator(".bubble.coach .score-card");
            await Assertions.Expect(card).ToContainTextAsync("Objective met", new() { Timeout = 30_000 });
            // One of the learner's own sentences is quoted as evidence, in the score card and in what went well.
            var quoted = page.Locator(".bubble.coach .evidence").Filter(new() { HasTextRegex = new Regex("“[^”]{20,}”") });
            Assert.True(await quoted.CountAsync() > 0);
            var evidence = string.Join(" ", await page.Locator(".bubble.coach .evidence").AllTextContentsAsync());
            Assert.Contains(ScenarioStudio.Ai.Coach.Text.Sentences(answer),
                s => evidence.Contains("“" + s[..Math.Min(s.Length, 40)], StringComparison.Ordinal));
            await Assertions.Expect(page.Locator(".bubble.coach").Last).ToContainTextAsync("What went well");
            await page.ScreenshotAsync($"practice-06-own-words-{name}");
            Assert.Empty(app.PageErrors[page]);
        }
    }

    private static async Task AnswerAsync(IPage page, string text)
    {
        var box = page.Locator("#answer-input");
        await Assertions.Expect(box).ToBeEnabledAsync();
        await box.FillAsync(text);
        await page.ClickAsync("#send-answer");
    }
}

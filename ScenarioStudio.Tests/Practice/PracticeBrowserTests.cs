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
        await Assertions.Expect(page.Locator("#summary-phases tbody tr")).ToHaveCountAsync(2);
        // The session score is the first tries' (the skill measure), not the repeats'.
        var firstTries = (await page.Locator("#summary-phases tbody tr td:nth-child(3)").AllInnerTextsAsync()).Select(int.Parse).ToList();
        Assert.Equal((int)Math.Round(firstTries.Average(), MidpointRounding.AwayFromZero), score);
        await page.ScreenshotAsync("practice-03-summary");
        await page.Locator("#session-summary").ScreenshotAsync("practice-03-summary-card");
        // The list of what to practise next keeps its bullets inside the card.
        var card = (await page.Locator("#session-summary").BoundingBoxAsync())!;
        var list = (await page.Locator("#practise-next").BoundingBoxAsync())!;
        Assert.True(list.X >= card.X + 8, $"the list starts at {list.X}, the card at {card.X}");

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

    [Fact]
    public async Task A_first_try_that_meets_the_goal_moves_on_without_a_repeat_and_a_copied_repeat_is_marked()
    {
        var people = await app.PeopleAsync();
        ScenarioDocument scenario;
        int scenarioId;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var scenarios = asLearner.Scenarios();
            scenarioId = (await scenarios.Queries.ListTemplatesAsync()).First(t => t.Title.StartsWith("Refund request outside", StringComparison.Ordinal)).Id;
            scenario = (await scenarios.Queries.GetAsync(scenarioId)).Document;
        }
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{scenarioId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#practise");
        var customers = page.Locator(".bubble.customer");
        await Assertions.Expect(customers).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        // Phase 1: a good first try; the repeat is offered, not forced.
        await AnswerAsync(page, scenario.Phases[0].IdealResponse);
        await Assertions.Expect(page.Locator("#may-move-on")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync("practice-07-may-move-on");
        await page.ClickAsync("#move-on");
        await Assertions.Expect(customers).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#may-move-on")).ToHaveCountAsync(0);

        // Phase 2: a weak first try, then the better version recited word for word: marked as a copy.
        await AnswerAsync(page, "Ok.");
        await Assertions.Expect(page.Locator(".bubble.coach .score-card").Last).ToContainTextAsync("Not yet", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".answer-label")).ToHaveTextAsync("Say the better version in your own words");
        await Assertions.Expect(page.Locator("#answer-input")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#may-move-on")).ToHaveCountAsync(0);
        string shown;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var id = Guid.Parse(page.Url.Split('/').Last());
            var view = await asLearner.Get<ScenarioStudio.Practice.PracticeService>().GetAsync(id);
            shown = view.Messages.Last(m => m.Assessment is not null && m.PhaseIndex == 1).Assessment!.BetterVersion;
        }
        await AnswerAsync(page, shown);
        await Assertions.Expect(page.Locator(".bubble.coach .copied").Last).ToContainTextAsync("Copied the better version", new() { Timeout = 30_000 });

        // The remaining phases: good first tries, moving on each time.
        for (var phase = 2; phase < scenario.Phases.Count; phase++)
        {
            await Assertions.Expect(customers).ToHaveCountAsync(phase + 1, new() { Timeout = 30_000 });
            await AnswerAsync(page, scenario.Phases[phase].IdealResponse);
            await Assertions.Expect(page.Locator("#move-on")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.ClickAsync("#move-on");
        }
        await Assertions.Expect(page.Locator("#session-summary")).ToContainTextAsync("score of your first tries", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#summary-phases .copied")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("practice-08-copied-repeat");
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task A_learner_sees_the_facts_to_verify_the_customer_against_while_practising()
    {
        var people = await app.PeopleAsync();
        int scenarioId;
        ScenarioDocument scenario;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var scenarios = asLearner.Scenarios();
            scenarioId = (await scenarios.Queries.ListTemplatesAsync()).First(t => t.Title.StartsWith("Internet outage", StringComparison.Ordinal)).Id;
            scenario = (await scenarios.Queries.GetAsync(scenarioId)).Document;
        }
        Assert.NotEmpty(scenario.Context.VerificationFacts);
        foreach (var (width, name) in new[] { (1366, "desktop"), (375, "phone") })
        {
            var page = await app.NewPageAsync(width, 900);
            await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
            await page.GotoAsync($"/scenarios/{scenarioId}");
            await page.WaitForCircuitAsync();
            await page.ClickAsync("#practise");
            var facts = page.Locator("#verification-facts");
            await Assertions.Expect(facts).ToContainTextAsync("Verify the customer");
            foreach (var fact in scenario.Context.VerificationFacts) await Assertions.Expect(facts).ToContainTextAsync(fact.Value);
            await page.ScreenshotAsync($"practice-09-verification-{name}");
            Assert.Empty(app.PageErrors[page]);
        }
    }

    [Fact]
    public async Task On_a_phone_the_goals_sit_above_the_answer_box_the_summary_comes_first_and_there_is_no_keyboard_hint()
    {
        var people = await app.PeopleAsync();
        Guid finished, open;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var practice = asLearner.Get<ScenarioStudio.Practice.PracticeService>();
            var scenarioId = (await asLearner.Scenarios().Queries.ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
            finished = await practice.StartAsync(scenarioId);
            await practice.CompleteAsync(finished, v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
            open = await practice.StartAsync(scenarioId);
        }
        var phone = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = 375, Height = 812 }, IsMobile = true, HasTouch = true,
        });
        var page = await phone.NewPageAsync();
        await page.SignInAsync(people[OrgRole.Learner], AppFixture.Password);

        await page.GotoAsync($"/practice/{open}");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#answer-input")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#phone-goals")).ToBeVisibleAsync();
        Assert.True((await page.Locator("#phone-goals").BoundingBoxAsync())!.Y < (await page.Locator("#answer-input").BoundingBoxAsync())!.Y);
        await Assertions.Expect(page.Locator(".ctrl-enter-hint")).Not.ToBeVisibleAsync();
        await page.ScreenshotAsync("practice-10-phone-goals");

        await page.GotoAsync($"/practice/{finished}");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#session-summary")).ToBeVisibleAsync();
        Assert.True((await page.Locator("#session-summary").BoundingBoxAsync())!.Y < (await page.Locator(".bubble").First.BoundingBoxAsync())!.Y);
        await page.ScreenshotAsync("practice-11-phone-summary-first");
        await phone.CloseAsync();

        var desktop = await app.NewPageAsync(1366, 900);
        await desktop.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await desktop.GotoAsync($"/practice/{open}");
        await desktop.WaitForCircuitAsync();
        await Assertions.Expect(desktop.Locator(".ctrl-enter-hint")).ToBeVisibleAsync();
        await Assertions.Expect(desktop.Locator("#phone-goals")).Not.ToBeVisibleAsync();
    }

    private IBrowser Browser => app.Browser;

    private static async Task AnswerAsync(IPage page, string text)
    {
        var box = page.Locator("#answer-input");
        await Assertions.Expect(box).ToBeEnabledAsync();
        await box.FillAsync(text);
        await page.ClickAsync("#send-answer");
    }
}

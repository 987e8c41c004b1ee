using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>Issue 14.3: a learner's home and scenario page are about learning, not statistics or builder chrome.</summary>
[Collection("Browser")]
public sealed class LearnerPagesBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_learners_home_offers_to_continue_and_a_suggestion_and_the_scenario_page_gives_nothing_away()
    {
        var people = await app.PeopleAsync();
        var learner = await app.NewMemberAsync(OrgRole.Learner, "Lena Learner");
        var doc = ScenarioSamples.Publishable($"Briefing check {Guid.NewGuid():N}"[..24], phases: 3);
        doc.Context.VerificationFacts = [new CardField { Label = "Postcode", Value = "LS1 4AP" }];
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(doc);
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }

        foreach (var (width, height) in new[] { (1366, 900), (375, 812) })
        {
            // Home, before any practice: one suggestion (the newest scenario they have not tried), no organisation statistics.
            var page = await app.NewPageAsync(width, height);
            await page.SignInAsync(learner, AppFixture.Password);
            await Assertions.Expect(page.Locator("#home-suggestion")).ToContainTextAsync(doc.Title);
            await Assertions.Expect(page.Locator("#home-suggestion")).ToContainTextAsync("New to you");
            await Assertions.Expect(page.Locator("[id^=stat-]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#home-continue")).ToHaveCountAsync(0);
            await page.ScreenshotAsync($"learner-home-new-{width}");

            // The scenario page: brief, customer, goals and the facts to verify, a Practise button; no builder chrome and
            // neither the customer's lines nor the essential phrases (hints are off).
            await page.Locator("#home-suggestion a").ClickAsync();
            await Assertions.Expect(page.Locator("#briefing-title")).ToHaveTextAsync(doc.Title);
            var body = page.Locator(".mud-main-content");
            await Assertions.Expect(body).ToContainTextAsync(doc.Context.LearnerBrief);
            await Assertions.Expect(body).ToContainTextAsync("Priya");
            await Assertions.Expect(page.Locator("#preview-verification")).ToContainTextAsync("LS1 4AP");
            await Assertions.Expect(page.Locator("#scenario-preview")).ToContainTextAsync("12 min");
            foreach (var hidden in new[] { "Opening line 1", "Ideal response 1", "Let me suggest", "Read only", "Hide preview", "Learner preview" })
                await Assertions.Expect(body).Not.ToContainTextAsync(hidden);
            await Assertions.Expect(page.Locator("#save, #toggle-preview, #builder-tabs")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#practise")).ToBeVisibleAsync();
            await page.ScreenshotAsync($"learner-scenario-{width}");
            Assert.True(await NoSidewaysScrollAsync(page), $"The scenario page scrolls sideways at {width} px.");
            Assert.Empty(app.PageErrors[page]);
            await page.Context.CloseAsync();
        }

        // Once started and left, Home and the scenario page offer to continue that session (not a new one).
        Guid sessionId;
        await using (var asLearner = await app.AsAsync(learner))
        {
            var practice = asLearner.Get<PracticeService>();
            sessionId = await practice.StartAsync(scenarioId);
            await foreach (var _ in practice.StreamAiTurnAsync(sessionId)) { }
        }
        var phone = await app.NewPageAsync(375, 812);
        await phone.SignInAsync(learner, AppFixture.Password);
        await Assertions.Expect(phone.Locator("#home-continue")).ToContainTextAsync(doc.Title);
        await Assertions.Expect(phone.Locator("#home-continue")).ToContainTextAsync("Phase 1 of 3");
        // The suggestion moves on: the started scenario is already on the list.
        await Assertions.Expect(phone.Locator("#home-suggestion")).Not.ToContainTextAsync(doc.Title);
        await phone.ScreenshotAsync("learner-home-continue-375");
        Assert.True(await NoSidewaysScrollAsync(phone), "Home scrolls sideways at 375 px.");
        await phone.GotoAsync($"/scenarios/{scenarioId}");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#continue")).ToContainTextAsync("phase 1 of 3");
        await phone.ClickAsync("#continue");
        await Assertions.Expect(phone).ToHaveURLAsync(new Regex($"/practice/{sessionId}$"));

        // A creator who offers the phrases as hints makes them appear, before practice and beside the goals.
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            await scenarios.Lifecycle.ReturnToDraftAsync(scenarioId);
            var details = await scenarios.Queries.GetAsync(scenarioId);
            details.Document.Context.ShowPhrasesAsHints = true;
            await scenarios.Commands.UpdateAsync(scenarioId, details.Document, details.Visibility, details.Revision);
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }
        await phone.GotoAsync($"/scenarios/{scenarioId}");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator(".preview-phrases").First).ToContainTextAsync("Let me suggest");
        Assert.Empty(app.PageErrors[phone]);
    }

    private static Task<bool> NoSidewaysScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");
}

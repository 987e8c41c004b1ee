using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class ScenarioAuthoringBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_content_manager_builds_a_scenario_a_reviewer_publishes_it_and_a_learner_finds_it_by_a_phase_word()
    {
        var people = await app.PeopleAsync();

        // The Content manager starts a blank sales scenario: three phases, one of them added.
        var creator = await app.NewPageAsync(1400, 1000);
        await creator.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await Assertions.Expect(creator.Locator("#stat-published")).ToBeVisibleAsync();
        await creator.ScreenshotAsync("authoring-00-home");
        await creator.GotoAsync("/scenarios/templates");
        await creator.WaitForCircuitAsync();
        await Assertions.Expect(creator.GetByText("Use this template").First).ToBeVisibleAsync();
        await creator.ScreenshotAsync("authoring-00-templates");
        await creator.GotoAsync("/scenarios");
        await creator.WaitForCircuitAsync();
        await Assertions.Expect(creator.Locator("#scenario-grid .scenario-title").First).ToBeVisibleAsync();
        await creator.ScreenshotAsync("authoring-00-list");
        await creator.GotoAsync("/scenarios/new?domain=Sales");
        await creator.WaitForCircuitAsync();
        await creator.FillFieldAsync("#scenario-title", "Retention call with Marta");
        await creator.OpenTabAsync("Phases");
        await creator.ClickAsync("#add-phase");
        await creator.FillFieldAsync("#phase-2-name", "Close");
        string[] openings = ["I want to cancel today.", "Your competitor is cheaper.", "Fine, what would you offer?"];
        for (var i = 0; i < 3; i++)
        {
            await creator.FillFieldAsync($"#phase-{i}-opening", openings[i]);
            await creator.FillFieldAsync($"#phase-{i}-ideal", i == 2
                ? "Let us lock in the zanzibarite loyalty rate for twelve months. Shall I set that up now?"
                : $"I understand, Marta. Let me ask what matters most to you, step {i + 1}.");
        }

        // Reorder: the new "Close" phase moves up one place.
        await creator.ClickAsync("#phase-2-up");
        await Assertions.Expect(creator.Locator(".phase-title").Nth(1)).ToContainTextAsync("Close");

        // Saving without a customer name shows the message at the field; nothing is created.
        await creator.ClickAsync("#save");
        await Assertions.Expect(creator.Locator("#error-summary")).ToContainTextAsync("Give the customer a name");
        await Assertions.Expect(creator).ToHaveURLAsync(new Regex("/scenarios/new"));
        await creator.OpenTabAsync("Customer");
        await Assertions.Expect(creator.GetByText("Give the customer a name (at most 60 characters).", new() { Exact = true })).ToBeVisibleAsync();
        await creator.ScreenshotAsync("authoring-01-field-error");

        // Fixing it clears the error and the draft is created.
        await creator.FillFieldAsync("#persona-name", "Marta");
        await Assertions.Expect(creator.Locator("#error-summary")).ToHaveCountAsync(0);
        await creator.ClickAsync("#save");
        await Assertions.Expect(creator).ToHaveURLAsync(new Regex(@"/scenarios/\d+$"));
        await Assertions.Expect(creator.Locator("#scenario-status")).ToHaveTextAsync("Draft");
        var scenarioUrl = creator.Url;

        // Drafts save themselves shortly after a change.
        await creator.OpenTabAsync("Details");
        await creator.FillFieldAsync("#scenario-description", "Marta has been a customer for six years and wants to leave.");
        await Assertions.Expect(creator.Locator("#save-state")).ToContainTextAsync("Autosaved", new() { Timeout = 10_000 });

        // The order survives a reload, and the draft goes to review.
        await creator.ReloadAsync();
        await creator.WaitForCircuitAsync();
        await creator.OpenTabAsync("Phases");
        await Assertions.Expect(creator.Locator(".phase-title")).ToHaveTextAsync(["1. Opening", "2. Close", "3. Resolution"]);
        await creator.ScreenshotAsync("authoring-02-builder");
        await creator.ClickAsync("#submit-review");
        await creator.ClickAsync("#review-note-confirm");
        await Assertions.Expect(creator.Locator("#scenario-status")).ToHaveTextAsync("In review");

        // A Reviewer publishes it.
        var reviewer = await app.NewPageAsync();
        await reviewer.SignInAsync(people[OrgRole.Reviewer], AppFixture.Password);
        // Home's "Waiting for review" leads to the review queue.
        await reviewer.ClickAsync("#stat-review a");
        await Assertions.Expect(reviewer).ToHaveURLAsync(new Regex("/reviews$"));
        await Assertions.Expect(reviewer.Locator("#review-queue")).ToContainTextAsync("Retention call with Marta");
        await reviewer.GotoAsync(scenarioUrl);
        await reviewer.WaitForCircuitAsync();
        await reviewer.ClickAsync("#publish");
        await reviewer.ClickAsync("#review-note-confirm");
        await Assertions.Expect(reviewer.Locator("#scenario-status")).ToHaveTextAsync("Published");

        // A Learner finds it by a word that appears only in a phase's ideal response.
        var learner = await app.NewPageAsync();
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await learner.GotoAsync("/scenarios");
        await learner.WaitForCircuitAsync();
        await learner.FillAsync("#scenario-search", "zanzibarite");
        await Assertions.Expect(learner.Locator("#scenario-grid .scenario-title")).ToHaveTextAsync(["Retention call with Marta"]);
        await learner.ScreenshotAsync("authoring-03-learner-search");
        await learner.Locator("#scenario-grid .scenario-title").First.ClickAsync();
        // The learner reads the phases' goals, not the customer's lines they will practise against.
        await Assertions.Expect(learner.Locator("#scenario-preview")).ToContainTextAsync("Close");
        await Assertions.Expect(learner.Locator("#scenario-preview")).Not.ToContainTextAsync("Your competitor is cheaper.");
        await Assertions.Expect(learner.Locator("#save")).ToHaveCountAsync(0);
        await learner.ScreenshotAsync("authoring-04-learner-preview");

        foreach (var page in new[] { creator, reviewer, learner }) Assert.Empty(app.PageErrors[page]);
    }
}

using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Progress;

[Collection("Browser")]
public sealed class AssignmentBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_manager_assigns_a_scenario_from_the_dashboard_and_the_learner_sees_it_due()
    {
        var people = await app.PeopleAsync();
        string scenarioTitle;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var teams = asAdmin.Get<TeamService>();
            var everyone = await teams.ListPeopleAsync();
            await teams.CreateAsync(new TeamInput("Assignment team", everyone.Single(p => p.Email == people[OrgRole.Manager]).Id,
                [everyone.Single(p => p.Email == people[OrgRole.Learner]).Id]));
            scenarioTitle = (await asAdmin.Get<ScenarioQueries>().ListTemplatesAsync()).Where(t => t.PhaseCount >= 3).Select(t => t.Title).Order().First();
        }

        var manager = await app.NewPageAsync(1300, 900);
        await manager.SignInAsync(people[OrgRole.Manager], AppFixture.Password);
        await manager.GotoAsync("/dashboard");
        await manager.WaitForCircuitAsync();
        await manager.Locator("#assign-practice").ClickAsync();

        // A due date in the past is refused at the field.
        await Pick(manager, "Team", "Assignment team");
        await PickScenario(manager, scenarioTitle);
        await manager.Locator("#assignment-due").FillAsync("2020-01-01");
        await manager.Locator("#assignment-note").FillAsync("Before the Friday calls");
        await manager.Locator("#save-assignment").ClickAsync();
        await Assertions.Expect(manager.Locator("#assignment-form")).ToContainTextAsync("The due date has passed");

        var due = DateTime.UtcNow.Date.AddDays(5);
        await manager.Locator("#assignment-due").FillAsync(due.ToString("yyyy-MM-dd"));
        await manager.Locator("#save-assignment").ClickAsync();
        var row = manager.Locator(".assignment-row", new() { HasText = scenarioTitle });
        await Assertions.Expect(row).ToContainTextAsync("Assignment team");
        await Assertions.Expect(row.Locator(".assignment-done")).ToContainTextAsync("0 / 1");
        await manager.ScreenshotAsync("progress-02-assignments-manager");
        Assert.Empty(app.PageErrors[manager]);

        var learner = await app.NewPageAsync(400, 800);
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await learner.GotoAsync("/progress");
        await learner.WaitForCircuitAsync();
        var mine = learner.Locator("#my-assignments .assignment-due", new() { HasText = scenarioTitle });
        await Assertions.Expect(mine).ToContainTextAsync("Due in 5 days");
        await Assertions.Expect(mine).ToContainTextAsync("Before the Friday calls");
        await learner.ScreenshotAsync("progress-03-assignments-learner-phone");
        await learner.GotoAsync("/");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator("#home-assignments")).ToContainTextAsync(scenarioTitle);
        Assert.Empty(app.PageErrors[learner]);
    }

    /// <summary>Types part of the title into the scenario search and picks the match, as a person does.</summary>
    private static async Task PickScenario(IPage page, string title)
    {
        await page.Locator("#assignment-scenario").PressSequentiallyAsync(title[..Math.Min(title.Length, 12)].ToUpperInvariant());
        var match = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = title }).First;
        await match.WaitForAsync();
        await page.ScreenshotAsync("progress-01-assignment-scenario-search");
        await match.ClickAsync();
        await Assertions.Expect(page.Locator("#assignment-scenario")).ToHaveValueAsync(title);
    }

    /// <summary>Opens a select of the assignment form by its label and picks an option, as a person does.</summary>
    private static async Task Pick(IPage page, string label, string option)
    {
        await page.Locator($"#assignment-form [role=combobox][aria-label='{label}']").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}

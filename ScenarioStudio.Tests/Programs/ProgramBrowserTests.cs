using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Programs;

[Collection("Browser")]
public sealed class ProgramBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_manager_builds_a_three_day_program_gives_it_to_a_team_sees_day_one_done_live_and_coaches_it()
    {
        var people = await app.PeopleAsync();
        var managerEmail = await app.NewMemberAsync(OrgRole.Manager, "Morgan Programs");
        var learnerEmail = await app.NewMemberAsync(OrgRole.Learner, "Lee Programs");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        string scenarioTitle;
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var teams = asAdmin.Get<TeamService>();
            var everyone = await teams.ListPeopleAsync();
            await teams.CreateAsync(new TeamInput($"Program walkers {suffix}", everyone.Single(p => p.Email == managerEmail).Id,
                [everyone.Single(p => p.Email == learnerEmail).Id]));
            var template = (await asAdmin.Get<ScenarioQueries>().ListTemplatesAsync()).Where(t => t.PhaseCount == 2).OrderBy(t => t.Title).First();
            (scenarioTitle, scenarioId) = (template.Title, template.Id);
        }

        var manager = await app.NewPageAsync(1366, 900);
        await manager.SignInAsync(managerEmail, AppFixture.Password);
        await manager.GotoAsync("/programs");
        await manager.WaitForCircuitAsync();
        await manager.Locator("#new-program").ClickAsync();

        // Saving with no theme and no scenario is refused at the day's fields.
        var name = $"Walk program {suffix}";
        await manager.FillFieldAsync("#program-name", name);
        await manager.Locator("#save-program").ClickAsync();
        await Assertions.Expect(manager.Locator("#day-1")).ToContainTextAsync("Give day 1 a theme.");
        await Assertions.Expect(manager.Locator("#day-1")).ToContainTextAsync("Choose at least one scenario for day 1.");

        await manager.FillFieldAsync("#day-min-1", "0");
        string[] themes = ["Hearing the objection", "Price talk", "Closing"];
        for (var day = 1; day <= 3; day++)
        {
            if (day > 1) await manager.Locator("#add-day").ClickAsync();
            await manager.FillFieldAsync($"#day-theme-{day}", themes[day - 1]);
            await PickScenario(manager, $"#day-scenario-{day}", scenarioTitle);
            await Assertions.Expect(manager.Locator($"#day-{day} .day-scenarios")).ToContainTextAsync(scenarioTitle);
        }
        await manager.ScreenshotAsync("programs-01-editor");
        await manager.Locator("#save-program").ClickAsync();
        await Assertions.Expect(manager.Locator("#program-title")).ToHaveTextAsync(name);

        // Given to the team (the only one this manager leads) from today: the learner's day 1 is due.
        await manager.Locator("#enrol").ClickAsync();
        var cell = manager.Locator("#program-grid .grid-row td.cell").First;
        await Assertions.Expect(cell).ToHaveTextAsync("Due today");
        await Assertions.Expect(manager.Locator("#program-grid .grid-row td.cell").Nth(1)).ToHaveTextAsync("Locked");

        // The learner does day 1; the manager's open grid shows it without a reload.
        Guid sessionId;
        await using (var asLearner = await app.AsAsync(learnerEmail))
        {
            var practice = asLearner.Get<PracticeService>();
            sessionId = (await practice.CompleteAsync(await practice.StartAsync(scenarioId),
                view => view.Scenario.Phases[view.PhaseIndex].IdealResponse)).Id;
        }
        await Assertions.Expect(cell).ToContainTextAsync("Done");
        await Assertions.Expect(manager.Locator("#program-grid .grid-row td.total")).ToHaveTextAsync("1 / 3");
        await manager.ScreenshotAsync("programs-02-grid");
        Assert.Empty(app.PageErrors[manager]);

        // The manager coaches day 1's session from the dashboard's list of sessions to review.
        var note = $"Good start: name the **pilot price** before they ask ({suffix}).";
        await manager.GotoAsync("/dashboard");
        await manager.WaitForCircuitAsync();
        await manager.Locator($"#unreviewed-list a.unreviewed-session[href$='{sessionId}']").ClickAsync();
        await Assertions.Expect(manager).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/practice/{sessionId}$"));
        await manager.Locator("#session-note textarea").FillAsync(note);
        await manager.ClickAsync("#add-session-note");
        await Assertions.Expect(manager.Locator("#coaching-panel .coaching-note strong")).ToHaveTextAsync("pilot price");
        Assert.Empty(app.PageErrors[manager]);

        // The learner, on a phone: the program on Home and its page.
        var learner = await app.NewPageAsync(375, 800);
        await learner.SignInAsync(learnerEmail, AppFixture.Password);
        await learner.GotoAsync("/");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator(".home-program-headline")).ToHaveTextAsync("Day 1 of 3 — Hearing the objection");
        await learner.ScreenshotAsync("programs-03-home-phone");
        await learner.Locator("text=Open program").ClickAsync();
        await Assertions.Expect(learner.Locator("#program-done")).ToHaveTextAsync("1 of 3 days done");
        await Assertions.Expect(learner.Locator("#program-days")).ToContainTextAsync("Opens on");
        await learner.ScreenshotAsync("programs-04-learner-phone");
        // The note reaches the learner: the bell's list says so, and the transcript shows it.
        await learner.GotoAsync("/notifications");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.GetByText("Morgan Programs left a coaching note").First).ToBeVisibleAsync();
        await learner.GotoAsync($"/practice/{sessionId}");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator("#coaching-panel .coaching-note")).ToContainTextAsync($"name the pilot price before they ask ({suffix})");
        Assert.Empty(app.PageErrors[learner]);

        // The manager's pages on a phone.
        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(managerEmail, AppFixture.Password);
        await phone.GotoAsync("/programs");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#program-list")).ToContainTextAsync(name);
        await phone.ScreenshotAsync("programs-05-list-phone");
        await phone.Locator("#new-program").ClickAsync();
        await phone.ScreenshotAsync("programs-06-editor-phone");
        await phone.Locator(".program-name", new() { HasText = name }).ClickAsync();
        await Assertions.Expect(phone.Locator("#program-grid .grid-row td.total")).ToHaveTextAsync("1 / 3");
        await phone.ScreenshotAsync("programs-07-grid-phone");
        await manager.GotoAsync("/programs");
        await manager.WaitForCircuitAsync();
        await manager.ScreenshotAsync("programs-08-list");
        await learner.SetViewportSizeAsync(1366, 900);
        await learner.ScreenshotAsync("programs-09-learner");
        Assert.Empty(app.PageErrors[phone]);
    }

    /// <summary>Types part of the title into a day's scenario search and picks the match, as a person does.</summary>
    private static async Task PickScenario(IPage page, string selector, string title)
    {
        await page.Locator(selector).PressSequentiallyAsync(title[..Math.Min(title.Length, 12)]);
        var match = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = title }).First;
        await match.WaitForAsync();
        await match.ClickAsync();
    }
}

using ClosedXML.Excel;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Progress;

[Collection("Browser")]
public sealed class DashboardBrowserTests(AppFixture app)
{
    [Fact]
    public async Task The_managers_open_dashboard_shows_a_finished_session_without_reload_and_exports_it()
    {
        var people = await app.PeopleAsync();
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var teams = asAdmin.Get<TeamService>();
            var managerId = (await teams.ListPeopleAsync()).Single(p => p.Email == people[OrgRole.Manager]).Id;
            var learnerId = (await teams.ListPeopleAsync()).Single(p => p.Email == people[OrgRole.Learner]).Id;
            await teams.CreateAsync(new TeamInput("Dashboard team", managerId, [learnerId]));
        }

        var manager = await app.NewPageAsync(1300, 900);
        await manager.SignInAsync(people[OrgRole.Manager], AppFixture.Password);
        await manager.GotoAsync("/dashboard");
        await manager.WaitForCircuitAsync();
        var completed = manager.Locator("#learner-table .completed-count").First;
        var before = int.Parse((await completed.InnerTextAsync()).Split('/')[0].Trim());

        int scenarioId;
        // The learner finishes a session (through the real practice service, offline engine).
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var practice = asLearner.Get<PracticeService>();
            scenarioId = (await asLearner.Get<ScenarioQueries>().ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
            await practice.CompleteAsync(await practice.StartAsync(scenarioId), view => view.Scenario.Phases[view.PhaseIndex].IdealResponse);
        }

        await Assertions.Expect(completed).ToContainTextAsync($"{before + 1} /");
        await Assertions.Expect(manager.Locator("#team-criteria table")).Not.ToBeEmptyAsync();
        await manager.ScreenshotAsync("dashboard-01-manager");

        // The session log, downloaded from the page and opened.
        var download = await manager.RunAndWaitForDownloadAsync(() => manager.Locator("#export-sessions-xlsx").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        using (var workbook = new XLWorkbook(File.OpenRead(await download.PathAsync())))
        {
            var sheet = workbook.Worksheet("Sessions");
            Assert.Equal("Learner", sheet.Cell(1, 1).GetString());
            var last = sheet.LastRowUsed().RowNumber();
            Assert.Equal("Learner Person", sheet.Cell(last, 1).GetString());
            Assert.Equal("Dashboard team", sheet.Cell(last, 3).GetString());
            Assert.Equal("Completed", sheet.Cell(last, 5).GetString());
        }

        // The learners table through its export menu, as Excel and as CSV.
        await manager.Locator("#export-learners button").ClickAsync();
        download = await manager.RunAndWaitForDownloadAsync(() => manager.Locator(".export-xlsx").Last.ClickAsync());
        using (var workbook = new XLWorkbook(File.OpenRead(await download.PathAsync())))
        {
            var sheet = workbook.Worksheet("Learners");
            Assert.Equal("Learner", sheet.Cell(1, 1).GetString());
            Assert.Equal("Learner Person", sheet.Cell(2, 1).GetString());
            Assert.Equal(before + 1, sheet.Cell(2, 3).GetDouble());
        }
        await manager.Locator("#export-learners button").ClickAsync();
        download = await manager.RunAndWaitForDownloadAsync(() => manager.Locator(".export-csv").Last.ClickAsync());
        Assert.Contains("Learner Person", await File.ReadAllTextAsync(await download.PathAsync()));

        // Changing the inactivity window reloads the list.
        await manager.Locator("#inactive input").FillAsync("1");
        await manager.Locator("#inactive input").PressAsync("Tab");
        await Assertions.Expect(manager.Locator("#inactive")).ToContainTextAsync("last 1 day.");

        var learner = await app.NewPageAsync();
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        Assert.Equal(403, (await learner.APIRequest.GetAsync("/exports/team-learners.csv")).Status);
        Assert.Equal(403, (await learner.APIRequest.GetAsync("/exports/team-sessions.xlsx")).Status);
        var mine = await learner.APIRequest.GetAsync("/exports/my-sessions.csv");
        Assert.Equal(200, mine.Status);
        Assert.Contains("Completed", await mine.TextAsync());
        Assert.Empty(app.PageErrors[manager]);

        // The Admin reads the scenario's analytics (library scenarios belong to the organisation's Admins).
        var admin = await app.NewPageAsync(1300, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync($"/scenarios/{scenarioId}/analytics");
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("#stat-attempts .stat-value")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(admin.Locator("#phase-analytics tbody tr")).ToHaveCountAsync(2);
        await admin.ScreenshotAsync("analytics-01-scenario");
        await admin.Locator("#export-scenario-phases button").ClickAsync();
        var phases = await admin.RunAndWaitForDownloadAsync(() => admin.Locator(".export-csv").Last.ClickAsync());
        var phaseLines = (await File.ReadAllLinesAsync(await phases.PathAsync())).Where(l => l.Length > 0).ToList();
        Assert.Equal(3, phaseLines.Count); // header and the two phases
        Assert.StartsWith("\uFEFFPhase,Name,Reached", phaseLines[0]);
        Assert.Equal(403, (await manager.APIRequest.GetAsync($"/exports/scenarios/{scenarioId}/phases.csv")).Status); // not the creator
        Assert.Empty(app.PageErrors[admin]);
    }
}

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
            var managerId = (await teams.ListPeopleAsync()).Single(p => p.Role == OrgRole.Manager).Id;
            var learnerId = (await teams.ListPeopleAsync()).Single(p => p.Role == OrgRole.Learner).Id;
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
            scenarioId = (await asLearner.Get<ScenarioService>().ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
            await practice.CompleteAsync(await practice.StartAsync(scenarioId), view => view.Scenario.Phases[view.PhaseIndex].IdealResponse);
        }

        await Assertions.Expect(completed).ToContainTextAsync($"{before + 1} /");
        await Assertions.Expect(manager.Locator("#team-criteria table")).Not.ToBeEmptyAsync();
        await manager.ScreenshotAsync("dashboard-01-manager");

        var xlsx = await manager.APIRequest.GetAsync("/exports/team-learners.xlsx");
        Assert.Equal(200, xlsx.Status);
        using (var workbook = new XLWorkbook(new MemoryStream(await xlsx.BodyAsync())))
        {
            var sheet = workbook.Worksheet("Learners");
            Assert.Equal("Learner", sheet.Cell(1, 1).GetString());
            Assert.Equal("Learner Person", sheet.Cell(2, 1).GetString());
            Assert.Equal(before + 1, sheet.Cell(2, 3).GetDouble());
        }
        var csv = await manager.APIRequest.GetAsync("/exports/team-learners.csv");
        Assert.Contains("Learner Person", await csv.TextAsync());

        var learner = await app.NewPageAsync();
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        Assert.Equal(403, (await learner.APIRequest.GetAsync("/exports/team-learners.csv")).Status);
        Assert.Empty(app.PageErrors[manager]);

        // The Admin reads the scenario's analytics (library scenarios belong to the organisation's Admins).
        var admin = await app.NewPageAsync(1300, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync($"/scenarios/{scenarioId}/analytics");
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("#stat-attempts .stat-value")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(admin.Locator("#phase-analytics tbody tr")).ToHaveCountAsync(2);
        await admin.ScreenshotAsync("analytics-01-scenario");
        Assert.Empty(app.PageErrors[admin]);
    }
}

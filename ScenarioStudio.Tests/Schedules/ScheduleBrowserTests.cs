using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Schedules;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Schedules;

[Collection("Browser")]
public sealed class ScheduleBrowserTests(AppFixture app)
{
    private const string TeamName = "Schedule walk team";

    [Fact]
    public async Task A_manager_adds_a_practice_time_on_the_team_page_and_the_learner_in_Tokyo_sees_it_next_in_their_time()
    {
        var people = await app.PeopleAsync();
        var learnerEmail = await app.NewMemberAsync(OrgRole.Learner, "Sched Learner");
        Guid teamId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var learner = (await users.FindByEmailAsync(learnerEmail))!;
            learner.TimeZone = "Asia/Tokyo";
            Assert.True((await users.UpdateAsync(learner)).Succeeded);
        }
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var teams = asAdmin.Get<TeamService>();
            var everyone = await teams.ListPeopleAsync();
            teamId = await teams.CreateAsync(new TeamInput(TeamName, everyone.Single(p => p.Email == people[OrgRole.Manager]).Id,
                [everyone.Single(p => p.Email == learnerEmail).Id]));
        }

        var manager = await app.NewPageAsync(1366, 900);
        await manager.SignInAsync(people[OrgRole.Manager], AppFixture.Password);
        await manager.GotoAsync("/teams");
        await manager.WaitForCircuitAsync();
        var card = manager.Locator(".mud-card", new() { HasText = TeamName });
        await Assertions.Expect(card).ToContainTextAsync("None yet");
        await card.Locator(".add-slot").ClickAsync();
        // Every day, so the next practice is within a day whenever this runs.
        await card.Locator(".slot-day", new() { HasText = "Sat" }).ClickAsync();
        await card.Locator(".slot-day", new() { HasText = "Sun" }).ClickAsync();
        await card.Locator(".slot-start input").FillAsync("09:00");
        await card.Locator(".slot-zone input").FillAsync("Europe/Lon");
        await manager.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Europe/London" }).First.ClickAsync();
        await Assertions.Expect(card.Locator(".slot-zone input")).ToHaveValueAsync("Europe/London");
        // Too long a practice is refused at its field.
        await card.Locator(".slot-duration input").FillAsync("300");
        await card.Locator(".slot-duration input").BlurAsync();
        await card.Locator(".save-slot").ClickAsync();
        await Assertions.Expect(card.Locator(".slot-form")).ToContainTextAsync("5 to 240 minutes");
        await card.ScreenshotAsync("schedules-01-slot-form-1366");
        await card.Locator(".slot-duration input").FillAsync("30");
        await card.Locator(".slot-duration input").BlurAsync();
        await card.Locator(".save-slot").ClickAsync();
        await Assertions.Expect(card.Locator(".slot-row")).ToContainTextAsync("Every day 09:00–09:30 (Europe/London)");
        await manager.ScreenshotAsync("schedules-02-teams-page-1366");
        Assert.Empty(app.PageErrors[manager]);

        // The learner, in Tokyo, on a phone: 09:00 London is shown in Tokyo time with a countdown.
        var london = PracticeWindows.Zone("Europe/London");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, london).DateTime);
        var tokyoTime = TimeZoneInfo.ConvertTime(PracticeWindows.ToInstant(today.ToDateTime(new TimeOnly(9, 0)), london),
            PracticeWindows.Zone("Asia/Tokyo")).ToString("HH:mm");
        var learnerPage = await app.NewPageAsync(375, 800);
        await learnerPage.SignInAsync(learnerEmail, AppFixture.Password);
        await learnerPage.GotoAsync("/");
        await learnerPage.WaitForCircuitAsync();
        var next = learnerPage.Locator("#next-practice");
        await Assertions.Expect(next).ToContainTextAsync($", {tokyoTime} your time");
        await Assertions.Expect(learnerPage.Locator("#next-practice-countdown")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^(in |on now)"));
        await Assertions.Expect(learnerPage.Locator("#home-next-practice")).ToContainTextAsync("Asia/Tokyo");

        // The calendar address: made on request, shown once, and it serves the team's practices without signing in.
        await learnerPage.Locator("#calendar-link .mud-expand-panel-header").ClickAsync();
        await learnerPage.Locator("#make-calendar-url").ClickAsync();
        var address = await learnerPage.Locator("#calendar-url").InputValueAsync();
        Assert.StartsWith(app.BaseUrl + "/calendar/", address);
        await learnerPage.ScreenshotAsync("schedules-03-home-next-practice-375");
        using (var http = new HttpClient())
            Assert.Contains($"SUMMARY:Practice: {TeamName}", await http.GetStringAsync(address));
        Assert.Empty(app.PageErrors[learnerPage]);

        // A practice time that has been running for ten days: the manager's dashboard shows the learner missed them.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync();
            var organisationId = db.Teams.Single(t => t.Id == teamId).OrganisationId;
            db.Add(new PracticeSlot
            {
                OrganisationId = organisationId, TeamId = teamId, Days = PracticeDays.Weekdays, StartTime = new TimeOnly(7, 0),
                TimeZone = "Europe/London", DurationMinutes = 20, CreatedAt = DateTimeOffset.UtcNow.AddDays(-10),
            });
            await db.SaveChangesAsync();
        }
        await manager.GotoAsync("/dashboard");
        await manager.WaitForCircuitAsync();
        var row = manager.Locator("#team-attendance .attendance-row", new() { HasText = "Sched Learner" });
        await Assertions.Expect(row.Locator(".attendance-missed")).ToHaveCountAsync(5);
        await manager.Locator("#team-attendance").ScreenshotAsync("schedules-04-dashboard-attendance-1366");
        await manager.SetViewportSizeAsync(375, 800);
        await manager.Locator("#team-attendance").ScreenshotAsync("schedules-05-dashboard-attendance-375");
        await manager.GotoAsync("/teams");
        await manager.WaitForCircuitAsync();
        await manager.Locator(".mud-card", new() { HasText = TeamName }).Locator(".add-slot").ClickAsync();
        await manager.Locator(".mud-card", new() { HasText = TeamName }).ScreenshotAsync("schedules-06-slot-form-375");
        await learnerPage.SetViewportSizeAsync(1366, 900);
        await learnerPage.ScreenshotAsync("schedules-07-home-next-practice-1366");
        Assert.Empty(app.PageErrors[manager]);
    }
}

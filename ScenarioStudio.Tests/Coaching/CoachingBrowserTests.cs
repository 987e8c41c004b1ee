using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Coaching;

/// <summary>Issue 17.6: a manager coaches a learner's transcript; the learner reads the notes; the dashboard's to-review count drops.</summary>
[Collection("Browser")]
public sealed class CoachingBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_manager_notes_a_transcript_and_marks_it_reviewed_and_the_learner_reads_both_notes()
    {
        var people = await app.PeopleAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        // A manager and a learner of their own, so the counts are this test's alone.
        var manager = await app.NewMemberAsync(OrgRole.Manager, $"Coach {suffix}");
        var learner = await app.NewMemberAsync(OrgRole.Learner, $"Rep {suffix}");
        Guid session, team;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var teams = asAdmin.Get<TeamService>();
            var everyone = await teams.ListPeopleAsync();
            team = await teams.CreateAsync(new TeamInput($"Coaching team {suffix}", everyone.Single(p => p.DisplayName == $"Coach {suffix}").Id,
                [everyone.Single(p => p.DisplayName == $"Rep {suffix}").Id]));
        }
        try
        {
            await using (var asLearner = await app.AsAsync(learner))
            {
                var practice = asLearner.Get<PracticeService>();
                var scenarioId = (await asLearner.Get<ScenarioQueries>().ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
                session = (await practice.CompleteAsync(await practice.StartAsync(scenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse)).Id;
            }
            var sessionNote = $"Strong close. **Next time** ask about the budget first ({suffix}).";
            var messageNote = $"Name the *pilot price* here ({suffix}).";

            var page = await app.NewPageAsync(1366, 900);
            await page.SignInAsync(manager, AppFixture.Password);
            await page.GotoAsync("/dashboard");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.Locator("#unreviewed-count")).ToHaveTextAsync("1");
            await page.Locator("#unreviewed").ScreenshotAsync("coaching-00-dashboard-to-review-desktop");
            await page.Locator("#unreviewed-list a.unreviewed-session").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/practice/{session}$"));
            await page.WaitForCircuitAsync();

            await page.Locator("#session-note textarea").FillAsync(sessionNote);
            await page.ClickAsync("#add-session-note");
            await Assertions.Expect(page.Locator("#coaching-panel .coaching-note strong")).ToHaveTextAsync("Next time");
            await page.Locator(".note-on-message").First.ClickAsync();
            await page.Locator(".message-notes textarea").FillAsync(messageNote);
            await page.Locator(".save-message-note").ClickAsync();
            await Assertions.Expect(page.Locator(".message-notes .coaching-note em")).ToHaveTextAsync("pilot price");
            await page.ClickAsync("#mark-reviewed");
            await Assertions.Expect(page.Locator("#reviewed-chip")).ToContainTextAsync($"Reviewed by Coach {suffix}");
            await page.ScreenshotAsync("coaching-01-manager-transcript-desktop");

            await page.GotoAsync("/dashboard");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.Locator("#unreviewed-count")).ToHaveTextAsync("0");
            Assert.Empty(app.PageErrors[page]);

            foreach (var (width, height, name) in new[] { (1366, 900, "desktop"), (375, 800, "phone") })
            {
                var mine = await app.NewPageAsync(width, height);
                await mine.SignInAsync(learner, AppFixture.Password);
                await mine.GotoAsync($"/practice/{session}");
                await mine.WaitForCircuitAsync();
                await Assertions.Expect(mine.Locator("#coaching-panel .coaching-note")).ToContainTextAsync("Next time ask about the budget first");
                await Assertions.Expect(mine.Locator(".message-notes .coaching-note")).ToContainTextAsync("Name the pilot price here");
                await Assertions.Expect(mine.Locator("#reviewed-chip")).ToBeVisibleAsync();
                // The learner reads; nothing to write or mark.
                await Assertions.Expect(mine.Locator("#session-note, .note-on-message, #mark-reviewed, .edit-note")).ToHaveCountAsync(0);
                await mine.ScreenshotAsync($"coaching-02-learner-transcript-{name}");
                await mine.Locator("#coaching-panel").ScreenshotAsync($"coaching-03-learner-panel-{name}");
                await mine.Locator(".message-notes").First.ScreenshotAsync($"coaching-03-learner-message-note-{name}");
                if (name == "phone")
                {
                    // The bell tells the learner: two notes.
                    await mine.GotoAsync("/notifications");
                    await Assertions.Expect(mine.GetByText($"Coach {suffix} left a coaching note").First).ToBeVisibleAsync();
                }
                Assert.Empty(app.PageErrors[mine]);
            }

            var phone = await app.NewPageAsync(375, 800);
            await phone.SignInAsync(manager, AppFixture.Password);
            await phone.GotoAsync($"/practice/{session}");
            await phone.WaitForCircuitAsync();
            await Assertions.Expect(phone.Locator("#coaching-panel")).ToBeVisibleAsync();
            await phone.ScreenshotAsync("coaching-01-manager-transcript-phone");
            await phone.Locator("#coaching-panel").ScreenshotAsync("coaching-04-manager-panel-phone");
            await phone.GotoAsync("/dashboard");
            await phone.WaitForCircuitAsync();
            await phone.Locator("#unreviewed").ScreenshotAsync("coaching-00-dashboard-to-review-phone");
            Assert.Empty(app.PageErrors[phone]);
        }
        finally
        {
            await using var asAdmin = await app.AsAsync(people[OrgRole.Admin]);
            await asAdmin.Get<TeamService>().DeleteAsync(team);
        }
    }
}

using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class RubricTestBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_creator_runs_a_phases_test_cases_and_publishing_warns_about_the_one_outside_its_band()
    {
        var people = await app.PeopleAsync();
        var doc = ScenarioJson.Clone(ScenarioLibrary.All.Single(t => t.Key == "support-refund-outside-window").Document);
        doc.Slug = "refund-tests-" + Guid.NewGuid().ToString("N")[..6];
        doc.Title = "Refund request (test cases)";
        doc.Phases[0].TestCases[0].MinScore = 0;
        doc.Phases[0].TestCases[0].MaxScore = 1; // the good paraphrase will land outside this band
        int id;
        await using (var asCreator = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            var scenarios = asCreator.Scenarios();
            id = await scenarios.Commands.CreateAsync(doc);
            await scenarios.Lifecycle.SubmitForReviewAsync(id);
        }

        foreach (var (width, height, name) in new[] { (1366, 900, "desktop"), (375, 800, "phone") })
        {
            var creator = await app.NewPageAsync(width, height);
            await creator.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
            await creator.GotoAsync($"/scenarios/{id}");
            await creator.WaitForCircuitAsync();
            var run = creator.Locator("#phase-0-tests-run");
            await creator.OpenTabAsync("Phases", run);
            await run.ClickAsync();
            await Assertions.Expect(creator.Locator("#phase-0-tests-summary"))
                .ToContainTextAsync($"of {doc.Phases[0].TestCases.Count} land in their band", new() { Timeout = 30_000 });
            await Assertions.Expect(creator.Locator("#phase-0-test-0-result")).ToContainTextAsync("Outside its band");
            await Assertions.Expect(creator.Locator("#phase-0-test-1-result")).ToContainTextAsync("In band");
            await creator.Locator("#phase-0-tests").ScrollIntoViewIfNeededAsync();
            await creator.Locator("#phase-0-tests").ScreenshotAsync($"rubric-tests-01-run-{name}");
            Assert.Empty(app.PageErrors[creator]);
        }

        // The Admin publishes: a warning names the failing case, and "Not yet" leaves the scenario in review.
        var admin = await app.NewPageAsync(1366, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync($"/scenarios/{id}");
        await admin.WaitForCircuitAsync();
        await admin.ClickAsync("#publish");
        var dialog = admin.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Rubric test cases disagree", new() { Timeout = 30_000 });
        await Assertions.Expect(dialog).ToContainTextAsync(doc.Phases[0].TestCases[0].Name);
        await admin.ScreenshotAsync("rubric-tests-02-publish-warning");
        await dialog.GetByText("Not yet").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
            Assert.Equal(ScenarioStatus.InReview, (await asAdmin.Get<ScenarioQueries>().GetAsync(id)).Status);
        Assert.Empty(app.PageErrors[admin]);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class ScenarioBulkBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_reviewer_selects_two_rows_archives_them_together_and_reads_the_summary()
    {
        var people = await app.PeopleAsync();
        var ids = new List<int>();
        await using (var admin = await app.AsAsync(people[OrgRole.Admin]))
        {
            foreach (var title in new[] { "Quokka alpha", "Quokka beta", "Quokka gamma" })
            {
                var id = await admin.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable(title));
                await admin.Scenarios().Lifecycle.PublishAsync(id);
                ids.Add(id);
            }
        }
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.Reviewer], AppFixture.Password);
        await page.GotoAsync("/scenarios?q=quokka&sort=Title");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(Titles(page)).ToHaveTextAsync(["Quokka alpha", "Quokka beta", "Quokka gamma"]);

        await RowBoxes(page).Nth(0).ClickAsync();
        await RowBoxes(page).Nth(2).ClickAsync();
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync("2 selected");
        // Ticking a box does not open the scenario.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/scenarios\?"));
        await page.ScreenshotAsync("bulk-01-two-selected-1366");

        await page.ClickAsync("#bulk-archive");
        await Assertions.Expect(page.Locator("#bulk-summary")).ToHaveTextAsync("2 scenarios archived.");
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#scenario-grid td.wide-only .mud-chip", new() { HasText = "Archived" })).ToHaveCountAsync(2);
        await page.ScreenshotAsync("bulk-02-archived-1366");
        await using (var reviewer = await app.AsAsync(people[OrgRole.Reviewer]))
        {
            var statuses = new List<ScenarioStatus>();
            foreach (var id in ids) statuses.Add((await reviewer.Scenarios().Queries.GetAsync(id)).Status);
            Assert.Equal([ScenarioStatus.Archived, ScenarioStatus.Published, ScenarioStatus.Archived], statuses);
        }

        // The rest of the row still opens the builder.
        await Titles(page).Nth(1).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/scenarios/\d+$"));
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task The_selection_bar_offers_all_that_match_and_fits_a_phone()
    {
        var people = await app.PeopleAsync();
        // More matches than a page shows, so "all that match" is more than the page.
        await using (var admin = await app.AsAsync(people[OrgRole.Admin]))
        {
            for (var i = 0; i < 30; i++) await admin.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable($"Wombat {i:00}"));
        }
        foreach (var (width, name) in new[] { (1366, "bulk-03-page-selected-1366"), (375, "bulk-04-page-selected-375") })
        {
            var page = await app.NewPageAsync(width, 800);
            await page.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
            await page.GotoAsync("/scenarios?q=wombat");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(Titles(page)).ToHaveCountAsync(25);
            await page.ClickAsync("#bulk-select-page");
            var shown = await Titles(page).CountAsync();
            await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync($"{shown} selected");
            await Assertions.Expect(page.Locator("#bulk-all-banner")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                $"The scenario list scrolls sideways at {width} px with rows selected.");
            await page.ScreenAsync(name);

            await page.ClickAsync("#bulk-select-all");
            await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync("30 selected");
            await page.ClickAsync("#bulk-more");
            await Assertions.Expect(page.Locator(".mud-popover-open", new() { HasText = "Change category" })).ToBeVisibleAsync();
            await page.ScreenAsync(name + "-menu");
            await page.Keyboard.PressAsync("Escape");
            Assert.Empty(app.PageErrors[page]);
        }
    }

    private static ILocator Titles(IPage page) => page.Locator("#scenario-grid .scenario-title");

    private static ILocator RowBoxes(IPage page) => page.Locator("#scenario-grid .bulk-row-check");
}

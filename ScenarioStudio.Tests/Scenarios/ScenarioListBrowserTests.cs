using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class ScenarioListBrowserTests(AppFixture app)
{
    private const string RefundTemplate = "Refund request outside the 30-day window";

    [Fact]
    public async Task The_order_a_user_picks_stays_through_new_search_words_a_reload_and_back()
    {
        var people = await app.PeopleAsync();
        var manager = people[OrgRole.ContentManager];
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(manager, AppFixture.Password);
        await page.GotoAsync("/scenarios");
        await page.WaitForCircuitAsync();

        // Words rank by relevance: the library scenario with the word in its title comes first.
        await page.FillAsync("#scenario-search", "refund");
        await Assertions.Expect(Titles(page).First).ToHaveTextAsync(RefundTemplate);
        await Assertions.Expect(SortBy(page)).ToHaveValueAsync("Relevance");

        await PickSortAsync(page, "Title A–Z");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("q=refund.*sort=Title"));
        await ExpectTitleOrderAsync(page, manager, "refund");

        // New words keep the chosen order, and so does a reload.
        await page.FillAsync("#scenario-search", "charge");
        await ExpectTitleOrderAsync(page, manager, "charge");
        await Assertions.Expect(SortBy(page)).ToHaveValueAsync("Title A–Z");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("q=charge.*sort=Title"));
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#scenario-search")).ToHaveValueAsync("charge");
        await Assertions.Expect(SortBy(page)).ToHaveValueAsync("Title A–Z");
        await ExpectTitleOrderAsync(page, manager, "charge");
        await page.ScreenshotAsync("search-01-sorted-1366");

        // Back to relevance: the address no longer names an order.
        await page.FillAsync("#scenario-search", "refund");
        await PickSortAsync(page, "Relevance");
        await Assertions.Expect(Titles(page).First).ToHaveTextAsync(RefundTemplate);
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("sort="));

        // Back from a scenario finds the list as it was left.
        await PickSortAsync(page, "Title A–Z");
        await ExpectTitleOrderAsync(page, manager, "refund");
        await Titles(page).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/scenarios/\d+$"));
        await page.GoBackAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#scenario-search")).ToHaveValueAsync("refund");
        await Assertions.Expect(SortBy(page)).ToHaveValueAsync("Title A–Z");
        await ExpectTitleOrderAsync(page, manager, "refund");

        // At phone width the filters stack two to a row and nothing scrolls sideways.
        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(manager, AppFixture.Password);
        await phone.GotoAsync("/scenarios?q=refund&sort=Title");
        await phone.WaitForCircuitAsync();
        await ExpectTitleOrderAsync(phone, manager, "refund");
        await Assertions.Expect(SortBy(phone)).ToHaveValueAsync("Title A–Z");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The scenario list scrolls sideways at 375 px.");
        await phone.ScreenshotAsync("search-02-sorted-375");

        foreach (var p in new[] { page, phone }) Assert.Empty(app.PageErrors[p]);
    }

    private static ILocator Titles(IPage page) => page.Locator("#scenario-grid .scenario-title");

    private static ILocator SortBy(IPage page) => page.Locator("input#scenario-sort");

    private static async Task PickSortAsync(IPage page, string option)
    {
        await page.Locator("[role=combobox][aria-label='Sort by']").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>Waits until the page lists what the service finds for the words in title order, and checks that order.</summary>
    private async Task ExpectTitleOrderAsync(IPage page, string email, string words)
    {
        await using var member = await app.AsAsync(email);
        var titles = (await member.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery(words, Sort: ScenarioSort.Title))).Rows
            .Select(r => r.Title).ToArray();
        Assert.True(titles.Length > 1, $"Only {titles.Length} scenario matches \"{words}\": no order to see.");
        Assert.Equal(titles.Order(StringComparer.Ordinal), titles);
        await Assertions.Expect(Titles(page)).ToHaveTextAsync(titles);
    }
}

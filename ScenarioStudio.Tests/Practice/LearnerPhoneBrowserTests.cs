using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>Issue 14.9: every page a learner uses fits a 375 × 812 phone: nothing scrolls sideways, nothing is cut off.</summary>
[Collection("Browser")]
public sealed class LearnerPhoneBrowserTests(AppFixture app)
{
    [Fact]
    public async Task Every_page_a_learner_uses_fits_a_phone_without_sideways_scrolling()
    {
        var people = await app.PeopleAsync();
        var learner = await app.NewMemberAsync(OrgRole.Learner, "Pia Phone");
        int scenarioId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable($"Phone fit {Guid.NewGuid():N}"[..18], phases: 2));
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }
        Guid done, open;
        await using (var asLearner = await app.AsAsync(learner))
        {
            var practice = asLearner.Get<PracticeService>();
            done = await practice.StartAsync(scenarioId);
            await practice.CompleteAsync(done, _ => "I understand, Priya. Let me suggest a two-week pilot so you can see the results first. Shall we?");
            open = await practice.StartAsync(scenarioId);
            await foreach (var _ in practice.StreamAiTurnAsync(open)) { }
        }

        var page = await app.NewPageAsync(375, 812);
        await page.SignInAsync(learner, AppFixture.Password);
        (string Path, string Name)[] pages = [("/", "home"), ("/scenarios", "scenarios"), ($"/scenarios/{scenarioId}", "scenario"),
            ($"/practice/{open}", "practice-open"), ($"/practice/{done}", "practice-done"), ("/progress", "progress"), ("/practice/history", "history"),
            ("/Account/Manage", "account"), ("/Account/Manage/ChangePassword", "account-password")];
        foreach (var (path, name) in pages)
        {
            await page.GotoAsync(path);
            if (!path.StartsWith("/Account", StringComparison.Ordinal)) await page.WaitForCircuitAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var overflow = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('body *')]
                    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > document.documentElement.clientWidth + 1
                        && getComputedStyle(e).position !== 'fixed' && !e.closest('.mud-table-container, .mud-tabs-tabbar, pre, .overflow-x-auto'); })
                    .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                """);
            Assert.True(overflow.Length == 0, $"{path} is wider than the phone: {string.Join(", ", overflow)}");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                $"{path} scrolls sideways.");
            await page.ScreenshotAsync($"phone-{name}");
        }
        // The scenario list: one compact row per scenario (title, chips for domain and difficulty), no stacked label/value
        // cards and no empty toolbar band above the rows.
        await page.GotoAsync("/scenarios");
        await page.WaitForCircuitAsync();
        var firstRow = page.Locator("#scenario-grid tbody tr").First;
        await Assertions.Expect(firstRow.Locator(".scenario-chips")).ToBeVisibleAsync();
        Assert.True((await firstRow.BoundingBoxAsync())!.Height < 110, "A scenario's row is not compact at 375 px.");
        await Assertions.Expect(page.Locator("#scenario-grid .mud-table-cell-label:visible")).ToHaveCountAsync(0);
        var gap = await page.EvaluateAsync<double>("""
            () => document.querySelector('#scenario-grid table').getBoundingClientRect().top
                - document.querySelector('#scenario-grid').getBoundingClientRect().top
            """);
        Assert.True(gap < 4, $"An empty band of {gap} px sits above the scenario rows.");
        Assert.Empty(app.PageErrors[page]);
    }
}

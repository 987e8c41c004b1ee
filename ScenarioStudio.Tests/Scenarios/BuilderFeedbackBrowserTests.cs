using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Issue 14.2: the builder says what is wrong and where, and fits a 1366 px screen.</summary>
[Collection("Browser")]
public sealed class BuilderFeedbackBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_refused_submit_names_the_phase_and_field_badges_the_tab_and_its_warning_goes_once_fixed()
    {
        var people = await app.PeopleAsync();
        var doc = ScenarioSamples.Publishable($"Refused submit {Guid.NewGuid():N}"[..22], phases: 3);
        doc.Phases[1].IdealResponse = "";
        int id;
        await using (var asCreator = await app.AsAsync(people[OrgRole.ContentManager]))
            id = await asCreator.Scenarios().Commands.CreateAsync(doc);

        var page = await app.NewPageAsync(1366, 768);
        await page.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{id}");
        await page.WaitForCircuitAsync();

        // At 1366 px the preview starts collapsed, no tab label is cut off and "Add phase" keeps to one line.
        await Assertions.Expect(page.Locator("#toggle-preview")).ToHaveTextAsync("Preview");
        await Assertions.Expect(page.Locator(".preview-panel")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.mud-tab, .mud-input-label')].filter(e => e.scrollWidth > e.clientWidth + 1).length"));
        await page.OpenTabAsync("Phases");
        await Assertions.Expect(page.Locator("#add-phase")).ToBeVisibleAsync();
        // One line of text: a one-line button is under 44 px high (asked again while the tab panel is still laying out).
        var height = 0.0;
        for (var i = 0; i < 50 && (height = (await page.Locator("#add-phase").BoundingBoxAsync())!.Height) >= 44; i++) await Task.Delay(100);
        Assert.True(height < 44, $"'Add phase' wraps ({height} px high).");
        // The duration is the phases' minutes added up (3 × 4).
        await page.OpenTabAsync("Details");
        await Assertions.Expect(page.Locator("#scenario-minutes")).ToHaveValueAsync("12");

        // Submitting names the phase and the field, badges the Phases tab and keeps the phases open.
        await page.ClickAsync("#submit-review");
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("Phase 2: Write an ideal response before publishing.");
        await Assertions.Expect(page.Locator(".mud-tab:has-text('Phases') .mud-badge")).ToHaveTextAsync("1");
        var warning = page.Locator(".mud-snackbar", new() { HasText = "Not yet" });
        await Assertions.Expect(warning).ToBeVisibleAsync();
        var box = await warning.BoundingBoxAsync();
        foreach (var button in new[] { "#save", "#toggle-preview", "#submit-review" })
        {
            var b = await page.Locator(button).BoundingBoxAsync();
            var overlaps = box!.X < b!.X + b.Width && b.X < box.X + box.Width && box.Y < b.Y + b.Height && b.Y < box.Y + box.Height;
            Assert.False(overlaps, $"The warning covers {button}.");
        }
        await Assertions.Expect(page.Locator("#scenario-status")).ToHaveTextAsync("Draft");
        await page.ScreenshotAsync("builder-refused-submit-1366");
        await page.OpenTabAsync("Phases");
        await Assertions.Expect(page.Locator("#phase-1-ideal")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#phase-1 .phase-fix")).ToHaveTextAsync("1 to fix");

        // Fixing the field takes the list, the badge and the stale warning away; the submit then goes through.
        await page.FillFieldAsync("#phase-1-ideal", "Of course, Priya. Let me suggest a two-week pilot so you can see results first.");
        await Assertions.Expect(page.Locator("#error-summary")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-tab:has-text('Phases') .mud-badge")).ToHaveCountAsync(0);
        await Assertions.Expect(warning).ToHaveCountAsync(0);
        await page.ClickAsync("#submit-review");
        await page.FillAsync("#review-note", "Ready for a first look.");
        await page.ClickAsync("#review-note-confirm");
        await Assertions.Expect(page.Locator("#scenario-status")).ToHaveTextAsync("In review");
        Assert.Empty(app.PageErrors[page]);
    }
}

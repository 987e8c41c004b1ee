using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioStudio.Data;
using ScenarioStudio.Experiments;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Experiments;

/// <summary>Issue 17.5: a creator makes variant B, starts an experiment, reads the comparison and keeps the winner.</summary>
[Collection("Browser")]
public sealed class ExperimentBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_creator_makes_a_variant_starts_an_experiment_reads_the_verdict_and_keeps_B()
    {
        var people = await app.PeopleAsync();
        var title = $"Zephyr upsell call {Guid.NewGuid().ToString("N")[..6]}";
        int aId;
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            aId = await asAdmin.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable(title));
            await asAdmin.Scenarios().Lifecycle.PublishAsync(aId);
        }

        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{aId}");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#make-variant");
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex($"/scenarios/{aId}$"));
        var bId = int.Parse(Regex.Match(page.Url, @"/scenarios/(\d+)").Groups[1].Value);
        // B is edited and published through the usual lifecycle (here through the services).
        await using (var asAdmin = await app.AsAsync(people[OrgRole.Admin]))
        {
            var scenarios = asAdmin.Scenarios();
            var b = await scenarios.Queries.GetAsync(bId);
            Assert.Equal(title + ExperimentService.VariantSuffix, b.Document.Title);
            b.Document.Phases[0].CustomerOpening = "Convince me the bigger plan pays for itself.";
            await scenarios.Commands.UpdateAsync(bId, b.Document, b.Visibility, b.Revision);
            await scenarios.Lifecycle.PublishAsync(bId);
        }

        await page.GotoAsync("/experiments");
        await page.WaitForCircuitAsync();
        await page.Locator("#start-experiment [role=combobox]").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = title + " against" }).First.ClickAsync();
        await page.FillFieldAsync("#experiment-name", $"Bolder opening for {title}");
        await page.FillFieldAsync("#experiment-percent", "30");
        await page.ScreenshotAsync("experiments-00-start-desktop");
        await page.ClickAsync("#start-experiment-button");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/experiments/[0-9a-f-]{36}$"));
        var experimentId = Guid.Parse(page.Url[^36..]);
        await Assertions.Expect(page.Locator("#experiment-verdict")).ToContainTextAsync("Not enough data yet: at least 10 learners");
        await Assertions.Expect(page.Locator("#experiment-split")).ToContainTextAsync("70 % of learners practise A, 30 % practise B");

        // Twelve learners a side with known scores (rows as practice writes them; the comparison is what is shown here).
        await using (var db = await app.Services.GetRequiredService<TenantDb>().OpenAsSystemAsync())
        {
            var organisationId = await db.Scenarios.Where(s => s.Id == aId).Select(s => s.OrganisationId).SingleAsync();
            var now = DateTimeOffset.UtcNow;
            PracticeSession Row(string variant, int i, int score) => new()
            {
                OrganisationId = organisationId, UserId = $"exp-{experimentId:N}-{variant}-{i}", ScenarioId = variant == "A" ? aId : bId,
                ScenarioTitle = title, ExperimentId = experimentId, Variant = variant, StartedAt = now, UpdatedAt = now,
                CompletedAt = i % 6 == 5 ? null : now, OverallScore = i % 6 == 5 ? null : score, Answers = 4, Stage = SessionStage.Completed,
            };
            for (var i = 0; i < 14; i++) db.PracticeSessions.AddRange(Row("A", i, 62 + i % 5), Row("B", i, 74 + i % 5));
            await db.SaveChangesAsync();
        }
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#experiment-verdict")).ToHaveTextAsync("B scores higher (p < 0.001).");
        await Assertions.Expect(page.Locator("#variant-figures")).ToContainTextAsync("Completion rate");
        await Assertions.Expect(page.Locator("#test-details")).ToContainTextAsync("Welch's t-test");
        await page.ScreenshotAsync("experiments-01-report-desktop");

        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await phone.GotoAsync($"/experiments/{experimentId}");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#experiment-verdict")).ToBeVisibleAsync();
        await phone.ScreenshotAsync("experiments-01-report-phone");
        await phone.GotoAsync("/experiments");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#experiment-table")).ToContainTextAsync($"Bolder opening for {title}");
        await phone.ScreenshotAsync("experiments-02-list-phone");

        await page.ClickAsync("#keep-b");
        await page.Locator(".mud-dialog button", new() { HasText = "Keep B" }).ClickAsync();
        await Assertions.Expect(page.Locator("#experiment-ended")).ToContainTextAsync("B kept");
        await Assertions.Expect(page.Locator("#end-experiment")).ToHaveCountAsync(0);
        await page.GotoAsync("/experiments");
        await page.WaitForCircuitAsync();
        await page.ScreenshotAsync("experiments-02-list-desktop");
        Assert.Empty(app.PageErrors[page]);
        Assert.Empty(app.PageErrors[phone]);

        // A keeps its title and link, with B's content; B is archived.
        await using var asCreator = await app.AsAsync(people[OrgRole.ContentManager]);
        var queries = asCreator.Get<ScenarioQueries>();
        var a = await queries.GetAsync(aId);
        Assert.Equal((title, "Convince me the bigger plan pays for itself."), (a.Document.Title, a.Document.Phases[0].CustomerOpening));
        Assert.Equal(ScenarioStatus.Archived, (await queries.GetAsync(bId)).Status);
    }
}

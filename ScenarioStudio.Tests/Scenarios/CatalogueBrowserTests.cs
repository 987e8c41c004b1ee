using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Issue 19.5 in the browser: a creator finds another organisation's public scenario in the shared catalogue and copies it.</summary>
public sealed class CatalogueBrowserTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Title = "Late delivery refund for a loyal customer";

    [Fact]
    public async Task A_creator_previews_another_organisations_public_scenario_and_duplicates_it_into_their_library()
    {
        await ShareFromAnotherOrganisationAsync("Harbour Training", "hana@harbour-training.test");
        var creator = (await app.PeopleAsync())[OrgRole.ContentManager];

        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(creator, AppFixture.Password);
        await page.ClickAsync("a[href='/scenarios/catalogue']");
        await page.WaitForCircuitAsync();
        var card = page.Locator(".catalogue-card", new() { HasText = Title });
        await Assertions.Expect(card).ToContainTextAsync("Shared by Harbour Training");
        await page.FillAsync("#catalogue-search", "loyal deliv");
        await Assertions.Expect(page.Locator("#catalogue-count")).ToHaveTextAsync("1 shared scenario");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"q=loyal(%20|\+)deliv"));
        await page.ScreenshotAsync("catalogue-01-list");

        // The preview is the learner's view, attributed and read only; Back returns to the same search.
        await card.Locator(".catalogue-preview").ClickAsync();
        await Assertions.Expect(page.Locator("#catalogue-attribution")).ToContainTextAsync("Shared by Harbour Training");
        await Assertions.Expect(page.Locator("#scenario-preview")).ToContainTextAsync("Phases");
        await Assertions.Expect(page.Locator("#save")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("catalogue-02-preview");

        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(creator, AppFixture.Password);
        await phone.GotoAsync("/scenarios/catalogue");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator(".catalogue-card", new() { HasText = Title })).ToContainTextAsync("Harbour Training");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the catalogue scrolls sideways on a phone");
        await phone.ScreenshotAsync("catalogue-01-list-phone");
        await phone.Locator(".catalogue-card", new() { HasText = Title }).Locator(".catalogue-preview").ClickAsync();
        await Assertions.Expect(phone.Locator("#catalogue-attribution")).ToContainTextAsync("Harbour Training");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the preview scrolls sideways on a phone");
        await phone.ScreenshotAsync("catalogue-02-preview-phone");

        // Duplicating lands in the builder on the caller's own private draft, which says where it came from.
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#catalogue-duplicate");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/scenarios/\d+$"));
        await Assertions.Expect(page.Locator("#builder-title")).ToHaveTextAsync(Title);
        await Assertions.Expect(page.Locator("#shared-from")).ToContainTextAsync("From Harbour Training's shared catalogue");
        await Assertions.Expect(page.Locator("#scenario-status")).ToContainTextAsync("Draft");
        await page.ScreenshotAsync("catalogue-03-builder");
        var copyId = int.Parse(Regex.Match(page.Url, @"/scenarios/(\d+)$").Groups[1].Value);
        await using (var asCreator = await app.AsAsync(creator))
        {
            var copy = await asCreator.Scenarios().Queries.GetAsync(copyId);
            Assert.Equal((Visibility.Private, ScenarioStatus.Draft, "Harbour Training"), (copy.Visibility, copy.Status, copy.SharedFrom));
        }

        // Back in the catalogue, the search is as it was left.
        await page.GotoAsync("/scenarios/catalogue?q=loyal");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#catalogue-search")).ToHaveValueAsync("loyal");
        await Assertions.Expect(page.Locator(".catalogue-card")).ToHaveCountAsync(1);
        Assert.Empty(app.PageErrors[page]);
        Assert.Empty(app.PageErrors[phone]);
    }

    /// <summary>A second organisation made by the Operator, whose first Admin publishes a public scenario.</summary>
    private async Task ShareFromAnotherOrganisationAsync(string name, string adminEmail)
    {
        CreatedOrganisation created;
        await using (var asOperator = await app.AsAsync(await app.OperatorAsync()))
            created = await asOperator.Get<OperatorService>().CreateAsync(name, adminEmail);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest(adminEmail, "Hana Harbour", AppFixture.Password, null, created.AdminInvitation.Token));
        await using var asAdmin = await app.AsAsync(adminEmail);
        var doc = ScenarioSamples.Publishable(Title, ScenarioDomain.Support);
        doc.Description = "A customer of six years whose parcel is a week late asks for a refund **and** a reason to stay.";
        var id = await asAdmin.Scenarios().Commands.CreateAsync(doc, Visibility.Public);
        await asAdmin.Scenarios().Lifecycle.PublishAsync(id);
    }
}

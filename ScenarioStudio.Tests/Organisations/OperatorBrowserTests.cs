using Microsoft.Playwright;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Issue 19.5 (first part) in the browser: the Operator creates an organisation, its Admin joins, the Operator suspends and resumes it.</summary>
public sealed class OperatorBrowserTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_operator_creates_an_organisation_whose_admin_joins_then_suspends_it_and_its_admin_is_shut_out_until_resumed()
    {
        var operatorEmail = await app.OperatorAsync();
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(operatorEmail, AppFixture.Password);
        await page.ClickAsync("a[href='/operator']");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#organisation-table")).ToContainTextAsync("Studio Org");
        // The Operator's own organisation cannot be suspended from here (it would lock them out): no button, a word instead.
        await Assertions.Expect(page.Locator("#organisation-table tr", new() { HasText = "Studio Org" })).ToContainTextAsync("Yours");

        // A bad address is refused at its field; then the organisation is created and its first Admin's link shown once.
        await page.FillAsync("#new-org-name", "Harbour Collections");
        await page.FillAsync("#new-org-admin", "hana-at-harbour");
        await page.ClickAsync("#new-org-create");
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("first Admin");
        await page.FillAsync("#new-org-admin", "hana@harbour.test");
        await page.ClickAsync("#new-org-create");
        await Assertions.Expect(page.Locator("#new-org-result")).ToContainTextAsync("Harbour Collections is ready");
        var link = (await page.Locator("#new-org-link").InnerTextAsync()).Trim();
        Assert.StartsWith(app.BaseUrl + "/Account/Register?invitation=", link);
        var row = page.Locator("#organisation-table tr", new() { HasText = "Harbour Collections" });
        await Assertions.Expect(row).ToContainTextAsync("Active");
        await page.ScreenshotAsync("operator-01-created");
        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(operatorEmail, AppFixture.Password);
        await phone.GotoAsync("/operator");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#organisation-table")).ToContainTextAsync("Harbour Collections");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the page scrolls sideways on a phone");
        await phone.ScreenshotAsync("operator-01-created-phone");

        // The link makes Hana the Admin of the new organisation, which starts with the scenario library.
        var hana = await app.NewPageAsync(1366, 900);
        await hana.GotoAsync(link);
        await Assertions.Expect(hana.GetByText("Join Harbour Collections")).ToBeVisibleAsync();
        await hana.FillAsync("#Input\\.DisplayName", "Hana Harbour");
        await hana.FillAsync("#Input\\.Password", AppFixture.Password);
        await hana.FillAsync("#Input\\.ConfirmPassword", AppFixture.Password);
        await hana.ClickAsync("button[type=submit]");
        await hana.WaitForCircuitAsync();
        await Assertions.Expect(hana.GetByText("Admin at Harbour Collections")).ToBeVisibleAsync();
        await Assertions.Expect(hana.Locator("a[href='/operator']")).ToHaveCountAsync(0);
        await hana.GotoAsync("/operator");
        await Assertions.Expect(hana.Locator("#organisation-table")).ToHaveCountAsync(0);

        // Suspended: after a confirmation; Hana's session ends and she cannot sign in again.
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await row.Locator(".suspend-org").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Suspended");
        await Assertions.Expect(row).ToContainTextAsync("1"); // one member
        await page.ScreenshotAsync("operator-02-suspended");
        await hana.GotoAsync("/");
        await Assertions.Expect(hana).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await hana.FillAsync("#Input\\.Email", "hana@harbour.test");
        await hana.FillAsync("#Input\\.Password", AppFixture.Password);
        await hana.ClickAsync("button[type=submit]");
        await Assertions.Expect(hana.Locator(".text-danger, .mud-alert, [role=alert]").First).ToContainTextAsync("suspended");

        // Resumed: she signs in again.
        await row.Locator(".resume-org").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Active");
        await hana.SignInAsync("hana@harbour.test", AppFixture.Password);
        await Assertions.Expect(hana.GetByText("Admin at Harbour Collections")).ToBeVisibleAsync();
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task The_operator_deletes_a_suspended_organisation_after_typing_its_name_and_downloads_its_data()
    {
        var operatorEmail = await app.OperatorAsync();
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(operatorEmail, AppFixture.Password);
        await page.GotoAsync("/operator");
        await page.WaitForCircuitAsync();
        await page.FillAsync("#new-org-name", "Tidewater Support");
        await page.FillAsync("#new-org-admin", "tia@tidewater.test");
        await page.ClickAsync("#new-org-create");
        await Assertions.Expect(page.Locator("#new-org-result")).ToContainTextAsync("Tidewater Support is ready");
        var row = page.Locator("#organisation-table tr", new() { HasText = "Tidewater Support" });
        // An active organisation offers no Delete: it is suspended first.
        await Assertions.Expect(row.Locator(".delete-org")).ToHaveCountAsync(0);
        await row.Locator(".suspend-org").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await row.Locator(".delete-org").ClickAsync();

        // The button waits for the exact name.
        var confirm = page.Locator("#delete-org-confirm");
        await page.FillAsync("#delete-org-name", "Tidewater");
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await page.FillAsync("#delete-org-name", "Tidewater Support");
        await Assertions.Expect(confirm).ToBeEnabledAsync();
        await page.ScreenshotAsync("operator-03-delete");
        await confirm.ClickAsync();
        var result = page.Locator("#delete-org-result");
        await Assertions.Expect(result).ToContainTextAsync("Tidewater Support is deleted");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#archive-list")).ToContainTextAsync("tidewater-support-");
        await page.ScreenshotAsync("operator-04-deleted");

        // The archive downloads with the Operator's sign-in (and with no one else's): a zip with the organisation in it.
        var href = await result.Locator("a").GetAttributeAsync("href");
        var download = await page.Context.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        await using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await download.BodyAsync())))
        {
            await using var entry = await zip.GetEntry("Organisations.json")!.OpenAsync();
            Assert.Contains("Tidewater Support", await new StreamReader(entry).ReadToEndAsync());
        }
        var people = await app.PeopleAsync();
        var admin = await app.NewPageAsync(1366, 900);
        await admin.SignInAsync(people[ScenarioStudio.Organisations.OrgRole.Admin], AppFixture.Password);
        Assert.Equal(403, (await admin.Context.APIRequest.GetAsync(href!)).Status);

        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(operatorEmail, AppFixture.Password);
        await phone.GotoAsync("/operator");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#archive-list")).ToContainTextAsync("tidewater-support-");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the page scrolls sideways on a phone");
        await phone.ScreenshotAsync("operator-04-deleted-phone");
        Assert.Empty(app.PageErrors[page]);
    }
}

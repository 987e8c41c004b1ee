using Microsoft.Playwright;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Sign-in hardening seen from the browser: lockout after 5 failures.</summary>
public sealed class AccountSecurityBrowserTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Password = "granite willow signal 9";

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_even_for_the_right_password()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.OrganisationName", "Lockout Ltd");
        await page.FillAsync("#Input\\.DisplayName", "Lee Admin");
        await page.FillAsync("#Input\\.Email", "lee@lockout.test");
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForCircuitAsync();
        await page.Context.ClearCookiesAsync();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await page.GotoAsync("/Account/Login");
            await page.FillAsync("#Input\\.Email", "lee@lockout.test");
            await page.FillAsync("#Input\\.Password", "wrong password " + attempt);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.GetByText("The e-mail or password is not right")).ToBeVisibleAsync();
        }
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", "lee@lockout.test");
        await page.FillAsync("#Input\\.Password", "wrong password 5");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Lockout"));

        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", "lee@lockout.test");
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Lockout"));
        await page.ScreenshotAsync("foundation-05-lockout");
    }
}

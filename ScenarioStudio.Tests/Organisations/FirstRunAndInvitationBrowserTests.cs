using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Needs an empty database, so it has an app of its own rather than the shared browser collection.</summary>
public sealed class FirstRunAndInvitationBrowserTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string AdminEmail = "ada@acme.test";
    private const string LearnerEmail = "lin@acme.test";
    private const string Password = "copper lantern meadow 7";

    [Fact]
    public async Task First_signup_creates_the_organisation_then_an_invited_learner_joins_and_cannot_manage_members()
    {
        // 1. Fresh app: the first sign-up asks for the organisation and makes that account its Admin.
        var admin = await app.NewPageAsync();
        await admin.GotoAsync("/Account/Register");
        // The sign-up page wears the app's theme (MudBlazor's variables, no Bootstrap) and its heading has no focus box.
        await Assertions.Expect(admin.Locator("link[href*=bootstrap]")).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Locator("button[type=submit]")).ToHaveCSSAsync("background-color", "rgb(59, 91, 219)");
        await admin.Locator("h1").EvaluateAsync("h => { h.tabIndex = -1; h.focus(); }");
        await Assertions.Expect(admin.Locator("h1")).ToHaveCSSAsync("outline-style", "none");
        await admin.ScreenshotAsync("foundation-01-first-run");
        await admin.FillAsync("#Input\\.OrganisationName", "Acme Sales");
        await admin.FillAsync("#Input\\.DisplayName", "Ada Admin");
        await admin.FillAsync("#Input\\.Email", AdminEmail);
        await admin.FillAsync("#Input\\.Password", Password);
        await admin.FillAsync("#Input\\.ConfirmPassword", Password);
        await admin.ClickAsync("button[type=submit]");
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.GetByText("Admin at Acme Sales")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("#organisation-name")).ToHaveTextAsync("Acme Sales");
        await admin.ScreenshotAsync("foundation-02-admin-home");

        // 2. The Admin creates an invitation link for a Learner.
        await admin.GotoAsync("/admin/members");
        await admin.WaitForCircuitAsync();
        await admin.ClickAsync("#create-invitation");
        var link = (await admin.Locator("#invitation-link").InnerTextAsync()).Trim();
        Assert.StartsWith(app.BaseUrl + "/Account/Register?invitation=", link);
        // The link is shown once: Copy puts it on the clipboard and says so.
        await admin.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await admin.ClickAsync("#copy-invitation-link");
        await Assertions.Expect(admin.Locator("#copy-invitation-link")).ToHaveTextAsync("Copied");
        Assert.Equal(link, await admin.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Assertions.Expect(admin.Locator("#invitation-table")).ToContainTextAsync("Open");
        await admin.ScreenshotAsync("foundation-03-members");

        // 3. Without an invitation nobody else can sign up.
        var stranger = await app.NewPageAsync();
        await stranger.GotoAsync("/Account/Register");
        await Assertions.Expect(stranger.Locator("#signup-refused")).ToContainTextAsync("by invitation only");

        // 4. The Learner joins through the link.
        var learner = await app.NewPageAsync(375, 800);
        await learner.GotoAsync(link);
        await Assertions.Expect(learner.GetByText("Join Acme Sales")).ToBeVisibleAsync();
        await learner.FillAsync("#Input\\.DisplayName", "Lin Learner");
        await learner.FillAsync("#Input\\.Email", LearnerEmail);
        await learner.FillAsync("#Input\\.Password", Password);
        await learner.FillAsync("#Input\\.ConfirmPassword", Password);
        await learner.ClickAsync("button[type=submit]");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.GetByText("Learner at Acme Sales")).ToBeVisibleAsync();
        await learner.ScreenshotAsync("foundation-04-learner-home-phone");

        // The link was single use.
        var again = await app.NewPageAsync();
        await again.GotoAsync(link);
        await Assertions.Expect(again.Locator("#signup-refused")).ToContainTextAsync("already been used");

        // 5. The Learner cannot open the members page, and the service refuses the call too.
        await Assertions.Expect(learner.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToHaveCountAsync(0);
        await learner.GotoAsync("/admin/members");
        await Assertions.Expect(learner.Locator("#access-denied")).ToBeVisibleAsync();
        await Assertions.Expect(learner.Locator("#member-table")).ToHaveCountAsync(0);
        await learner.ScreenshotAsync("foundation-05-learner-denied");
        await using (var asLearner = await app.AsAsync(LearnerEmail))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<MemberService>().ListAsync());
        }

        // The Admin sees the new member without reloading the data by hand.
        await admin.ReloadAsync();
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("#member-table")).ToContainTextAsync("Lin Learner");

        // 6. The Admin puts the Learner in a team; the primary colour set in settings themes the app bar.
        await admin.GotoAsync("/teams");
        await admin.WaitForCircuitAsync();
        await admin.ClickAsync("#new-team");
        await admin.FillAsync("#team-name", "Closers");
        await admin.GetByLabel("Members").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "Lin Learner (Learner)" }).ClickAsync();
        // Close the open list as a person does: click outside it.
        await admin.Mouse.ClickAsync(900, 850);
        await Assertions.Expect(admin.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await admin.ClickAsync("#save-team");
        await Assertions.Expect(admin.GetByText("Manager: none · 1 member")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("foundation-06-teams");

        await admin.GotoAsync("/admin/settings");
        await admin.WaitForCircuitAsync();
        await admin.FillAsync("#org-colour", "#0B7285");
        await admin.ClickAsync("#save-settings");
        await Assertions.Expect(admin.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", "rgb(11, 114, 133)");
        // Dark mode switches the theme at once and is remembered on the next page load.
        await admin.ClickAsync("#dark-mode-toggle");
        await Assertions.Expect(admin.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", "rgb(30, 30, 45)");
        await admin.ReloadAsync();
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", "rgb(30, 30, 45)");
        await admin.ScreenshotAsync("foundation-07-settings-dark");
        await admin.ClickAsync("#dark-mode-toggle");
        await Assertions.Expect(admin.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", "rgb(11, 114, 133)");
        await admin.ScreenshotAsync("foundation-07-settings");

        await learner.GotoAsync("/");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator("table")).ToContainTextAsync("Closers");

        // The account pages carry the organisation's name and colour once it is known.
        await admin.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await Assertions.Expect(admin.Locator("#account-brand")).ToContainTextAsync("Acme Sales");
        await Assertions.Expect(admin.Locator(".nav-link.active")).ToHaveCSSAsync("background-color", "rgb(11, 114, 133)");
        await admin.ScreenshotAsync("foundation-08-account-2fa");
        var signIn = await app.NewPageAsync(375, 812);
        await signIn.GotoAsync("/Account/Login");
        await signIn.ScreenshotAsync("foundation-09-sign-in-phone");
        Assert.True(await signIn.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"));

        foreach (var page in new[] { admin, learner, stranger, again, signIn }) Assert.Empty(app.PageErrors[page]);
    }
}

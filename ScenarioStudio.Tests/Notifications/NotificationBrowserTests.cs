using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Notifications;

[Collection("Browser")]
public sealed class NotificationBrowserTests(AppFixture app)
{
    [Fact]
    public async Task The_bell_counts_new_notifications_live_and_opens_what_they_link_to()
    {
        await app.PeopleAsync();
        var email = await app.NewMemberAsync(OrgRole.Reviewer, "Bell Reviewer");
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(email, AppFixture.Password);
        var count = page.Locator(".mud-appbar .notification-count");
        await Assertions.Expect(page.Locator("#notification-bell-button")).ToBeVisibleAsync();
        await Assertions.Expect(count).ToHaveCountAsync(0);

        // Notifications added for this member reach the open page over its circuit, without a reload.
        await NotifyAsync(email, NotificationKind.ReviewRequested, "Review requested: Refund call", "Casey asks you to review Refund call.", "/scenarios");
        await Assertions.Expect(count).ToHaveTextAsync("1");
        await NotifyAsync(email, NotificationKind.Mentioned, "Casey mentioned you on Retention call",
            "Could @Bell Reviewer check the tone of the second phase before Friday? The customer sounds a little too friendly.", "/notifications");
        await NotifyAsync(email, NotificationKind.AssignmentDueTomorrow, "Due tomorrow: Objection handling", "For Closers, due Wed 3 Dec.", "/progress");
        await Assertions.Expect(count).ToHaveTextAsync("3");

        await page.Locator("#notification-bell-button").ClickAsync();
        var items = page.Locator(".notification-menu .notification-item");
        await Assertions.Expect(items).ToHaveCountAsync(3);
        await Assertions.Expect(items.First).ToContainTextAsync("Due tomorrow: Objection handling");
        await Assertions.Expect(page.Locator(".notification-menu .unread")).ToHaveCountAsync(3);
        await page.WaitForTimeoutAsync(400); // the menu's opening transition
        await page.ScreenAsync("notifications-01-bell-menu");

        // A click marks it read and goes where it links.
        await items.Filter(new() { HasText = "Review requested" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/scenarios$"));
        await Assertions.Expect(count).ToHaveTextAsync("2");

        await page.GotoAsync("/notifications");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#notifications-list .notification-row")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#notifications-list .unread")).ToHaveCountAsync(2);
        await page.ScreenshotAsync("notifications-02-page");
        await page.Locator("#notifications-page-mark-all").ClickAsync();
        await Assertions.Expect(page.Locator("#notifications-list .unread")).ToHaveCountAsync(0);
        await Assertions.Expect(count).ToHaveCountAsync(0);
        Assert.Empty(app.PageErrors[page]);

        // On a phone: the bell stays in the app bar and its menu fits the screen.
        var phone = await app.NewPageAsync(375, 740);
        await phone.SignInAsync(email, AppFixture.Password);
        await NotifyAsync(email, NotificationKind.Approved, "Approved: Retention call with Marta and her very long company name", "Robin approved it.", "/");
        await Assertions.Expect(phone.Locator(".mud-appbar .notification-count")).ToHaveTextAsync("1");
        await phone.Locator("#notification-bell-button").ClickAsync();
        var menu = phone.Locator(".notification-menu");
        await Assertions.Expect(menu.Locator(".notification-item")).ToHaveCountAsync(4);
        await phone.WaitForTimeoutAsync(400); // the menu's opening transition
        await phone.ScreenAsync("notifications-03-bell-menu-phone");
        var box = await menu.BoundingBoxAsync();
        Assert.True(box is { X: >= 0 } && box.X + box.Width <= 375, $"The menu spills off the phone's screen: {box?.X} + {box?.Width}");
        await phone.Keyboard.PressAsync("Escape");
        await phone.GotoAsync("/notifications");
        await phone.WaitForCircuitAsync();
        await Assertions.Expect(phone.Locator("#notifications-list .notification-row")).ToHaveCountAsync(4);
        await phone.ScreenshotAsync("notifications-04-page-phone");
        Assert.Empty(app.PageErrors[phone]);
    }

    private async Task NotifyAsync(string email, NotificationKind kind, string title, string body, string link)
    {
        await using var asMember = await app.AsAsync(email);
        var caller = await asMember.Get<CurrentUser>().GetAsync();
        var notifier = asMember.Get<Notifier>();
        await using var db = await asMember.Get<TenantDb>().OpenAsync(caller);
        notifier.Add(db, caller.OrganisationId, [caller.UserId], kind, title, body, link);
        await db.SaveChangesAsync();
        notifier.Announce();
    }
}

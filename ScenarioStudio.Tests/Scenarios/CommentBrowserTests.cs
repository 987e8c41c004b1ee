using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class CommentBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_content_manager_mentions_a_reviewer_who_follows_the_notification_to_the_thread_and_resolves_it()
    {
        var people = await app.PeopleAsync();
        var reviewer = await app.NewMemberAsync(OrgRole.Reviewer, "Riley Commentreviewer");
        var title = $"Comment drawer {Guid.NewGuid():N}"[..30];
        int scenarioId;
        await using (var asCreator = await app.AsAsync(people[OrgRole.ContentManager]))
            scenarioId = await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable(title));

        var creator = await app.NewPageAsync(1366, 900);
        await creator.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await creator.GotoAsync($"/scenarios/{scenarioId}");
        await creator.WaitForCircuitAsync();

        // A thread on the second phase, from the phase's own comment icon, mentioning the reviewer picked after "@".
        await creator.OpenTabAsync("Phases", creator.Locator("#phase-1-comments"));
        await creator.Locator("#phase-1-comments").ClickAsync();
        var drawer = creator.Locator("#comments-drawer");
        await Assertions.Expect(drawer.Locator("#no-comments")).ToBeVisibleAsync();
        await creator.Locator("#new-comment").PressSequentiallyAsync("The **ideal response** is long. <script>alert(1)</script> @Riley");
        await drawer.Locator(".mention-option", new() { HasText = "Riley Commentreviewer" }).ClickAsync();
        await creator.Locator("#new-comment").PressSequentiallyAsync("could you check it?");
        await creator.Locator("#new-comment-send").ClickAsync();
        var thread = drawer.Locator(".comment-thread").First;
        await Assertions.Expect(thread.Locator(".mention")).ToHaveTextAsync("@Riley Commentreviewer");
        await Assertions.Expect(thread.Locator(".comment-anchor")).ToContainTextAsync("Phase 2");
        await Assertions.Expect(thread.Locator("strong")).ToHaveTextAsync("ideal response");
        await Assertions.Expect(thread.Locator(".comment-body")).ToContainTextAsync("<script>alert(1)</script>");
        await Assertions.Expect(creator.Locator(".open-comment-count")).ToHaveTextAsync("1");
        await creator.ScreenAsync("comments-01-drawer");
        await creator.Locator("#close-comments").ClickAsync();
        await Assertions.Expect(creator.Locator(".phase-comments .mud-badge")).ToHaveTextAsync("1");
        await creator.EvaluateAsync("document.querySelector('#phase-1').scrollIntoView(); window.scrollBy(0, -120)");
        await creator.WaitForTimeoutAsync(400); // the drawer's closing transition
        await creator.ScreenAsync("comments-02-phase-icon");

        // The list shows the open thread against the scenario.
        await creator.GotoAsync($"/scenarios?q={Uri.EscapeDataString(title)}");
        await creator.WaitForCircuitAsync();
        await Assertions.Expect(creator.Locator("#scenario-grid .open-comments")).ToContainTextAsync("1");
        Assert.Empty(app.PageErrors[creator]);

        // The reviewer, on a phone, follows the mention from the bell to the open drawer and resolves the thread.
        var phone = await app.NewPageAsync(375, 740);
        await phone.SignInAsync(reviewer, AppFixture.Password);
        await Assertions.Expect(phone.Locator(".mud-appbar .notification-count")).ToHaveTextAsync("1");
        await phone.Locator("#notification-bell-button").ClickAsync();
        await phone.Locator(".notification-menu .notification-item", new() { HasText = "mentioned you" }).ClickAsync();
        await Assertions.Expect(phone).ToHaveURLAsync(new Regex($"/scenarios/{scenarioId}\\?comments=\\d+$"));
        var phoneDrawer = phone.Locator("#comments-drawer");
        await Assertions.Expect(phoneDrawer.Locator(".comment-thread")).ToHaveCountAsync(1);
        await phone.ScreenAsync("comments-03-drawer-phone");
        await phoneDrawer.Locator(".thread-reply").ClickAsync();
        await phone.Locator("[id^=reply-]").First.FillAsync("Agreed, I will shorten it.");
        await phoneDrawer.Locator("[id^=reply-][id$=-send]").ClickAsync();
        await Assertions.Expect(phoneDrawer.Locator(".comment-replies .comment-item")).ToHaveCountAsync(1);
        await phoneDrawer.Locator(".thread-resolve").ClickAsync();
        await Assertions.Expect(phoneDrawer.Locator("#comments-open-count")).ToHaveTextAsync("0 open");
        await Assertions.Expect(phoneDrawer.Locator("#comment-threads-heading")).ToHaveTextAsync("0 open threads");
        await Assertions.Expect(phoneDrawer.Locator(".comment-thread.resolved")).ToHaveCountAsync(1);
        await phone.ScreenAsync("comments-04-resolved-phone");
        await phone.Locator("#close-comments").ClickAsync();
        await phone.WaitForTimeoutAsync(400);
        await phone.ScreenAsync("comments-05-builder-phone");
        Assert.Empty(app.PageErrors[phone]);
    }
}

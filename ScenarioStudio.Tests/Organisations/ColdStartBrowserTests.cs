using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Issue 14.8: what a member types before the circuit is live is never lost (the prerendered page is not a form).</summary>
[Collection("Browser")]
public sealed class ColdStartBrowserTests(AppFixture app)
{
    [Fact]
    public async Task An_email_typed_as_soon_as_the_members_page_appears_is_the_one_the_invitation_is_for()
    {
        var people = await app.PeopleAsync();
        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        var email = $"cold-{Guid.NewGuid():N}"[..14] + "@studio.test";

        // No waiting for the circuit: the prerendered page's fields are there at once, but refuse input until the live page
        // takes over (a person typing then would otherwise be typing into a copy the server never sees).
        await page.GotoAsync("/admin/members", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#invite-email").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        // One look in one script turn: the live page may take over between two separate looks.
        Assert.True(await page.EvaluateAsync<bool>(
                "() => document.querySelector('#circuit-ready') !== null || document.querySelector('#invite-email').matches(':disabled')"),
            "The prerendered field takes input the server cannot see.");
        await page.FillAsync("#invite-email", email);
        await page.ClickAsync("#create-invitation");
        await Assertions.Expect(page.Locator("#invitation-link")).ToBeVisibleAsync();

        await using var asAdmin = await app.AsAsync(people[OrgRole.Admin]);
        var invitations = await asAdmin.Get<MemberService>().ListInvitationsAsync();
        Assert.Contains(invitations, i => i.Email == email);
        Assert.Empty(app.PageErrors[page]);
    }
}

using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class MemberServiceTests : OrganisationTestBase
{
    [Fact]
    public async Task The_last_admin_cannot_be_demoted_or_deactivated()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var members = asAdmin.Get<MemberService>();

        var demote = await Assert.ThrowsAsync<ValidationFailedException>(() => members.ChangeRoleAsync(org.Admin.Id, OrgRole.Learner));
        Assert.Contains("last Admin", demote.Message);
        await Assert.ThrowsAsync<ValidationFailedException>(() => members.SetActiveAsync(org.Admin.Id, false));
        Assert.Equal(OrgRole.Admin, (await db.ReloadAsync(org.Admin)).Role);
    }

    [Fact]
    public async Task With_a_second_admin_the_first_can_be_demoted_but_an_inactive_admin_does_not_count()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var members = asAdmin.Get<MemberService>();
        await members.ChangeRoleAsync(org.Reviewer.Id, OrgRole.Admin);
        await members.SetActiveAsync(org.Reviewer.Id, false);

        // The second Admin is deactivated, so the first is still the last active one.
        await Assert.ThrowsAsync<ValidationFailedException>(() => members.ChangeRoleAsync(org.Admin.Id, OrgRole.Manager));

        await members.SetActiveAsync(org.Reviewer.Id, true);
        await members.ChangeRoleAsync(org.Admin.Id, OrgRole.Manager);
        Assert.Equal(OrgRole.Manager, (await db.ReloadAsync(org.Admin)).Role);
    }

    [Fact]
    public async Task A_role_change_renews_the_security_stamp_so_sessions_revalidate()
    {
        var before = (await db.ReloadAsync(org.Learner)).SecurityStamp;
        await using var asAdmin = await db.AsAsync(org.Admin);
        await asAdmin.Get<MemberService>().ChangeRoleAsync(org.Learner.Id, OrgRole.ContentManager);
        var after = await db.ReloadAsync(org.Learner);
        Assert.Equal(OrgRole.ContentManager, after.Role);
        Assert.NotEqual(before, after.SecurityStamp);
    }

    [Fact]
    public async Task Invitation_input_is_checked_field_by_field()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var members = asAdmin.Get<MemberService>();
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => members.InviteAsync((OrgRole)42, "not-an-address", 90));
        Assert.Equal(["Email", "Role", "ValidDays"], ex.Errors.Keys.Order());
        Assert.Empty(await members.ListInvitationsAsync());

        var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => members.InviteAsync(OrgRole.Learner, org.Learner.Email));
        Assert.Contains("already exists", taken.Message);
    }

    [Fact]
    public async Task A_password_reset_link_lets_the_member_choose_a_new_password_once()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var link = await asAdmin.Get<MemberService>().CreatePasswordResetLinkAsync(org.Learner.Id);
        Assert.StartsWith("Account/ResetPassword?userId=", link);

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x/" + link).Query);
        var code = System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(query["code"]!));
        var users = asAdmin.Get<Microsoft.AspNetCore.Identity.UserManager<ScenarioStudio.Account.ApplicationUser>>();
        var learner = (await users.FindByIdAsync(org.Learner.Id))!;
        Assert.True((await users.ResetPasswordAsync(learner, code, "saffron bicycle tunnel")).Succeeded);
        Assert.True(await users.CheckPasswordAsync(learner, "saffron bicycle tunnel"));
        Assert.False((await users.ResetPasswordAsync(learner, code, "another fresh phrase")).Succeeded);
    }
}

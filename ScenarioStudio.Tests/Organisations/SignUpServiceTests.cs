using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class SignUpServiceTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();

    public Task InitializeAsync() => db.InitializeAsync();
    public Task DisposeAsync() => db.DisposeAsync();

    private async Task<T> WithSignUpAsync<T>(Func<SignUpService, Task<T>> action)
    {
        await using var scope = db.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<SignUpService>());
    }

    private Task<ApplicationUser> RegisterAsync(string email, string? org = null, string? invitation = null, string password = TestPasswords.Good) =>
        WithSignUpAsync(s => s.RegisterAsync(new SignUpRequest(email, "Some Person", password, org, invitation)));

    private async Task<CreatedInvitation> InviteAsync(ApplicationUser admin, OrgRole role, string? email = null, int days = 7)
    {
        await using var asAdmin = await db.AsAsync(admin);
        return await asAdmin.Get<MemberService>().InviteAsync(role, email, days);
    }

    [Fact]
    public async Task First_signup_on_an_empty_database_creates_the_organisation_and_its_admin()
    {
        Assert.Equal(SignUpMode.FirstRun, (await WithSignUpAsync(s => s.GetStateAsync(null))).Mode);

        var admin = await RegisterAsync("first@example.test", org: "Northwind Collections");

        Assert.Equal(OrgRole.Admin, admin.Role);
        await using var check = await db.OpenUnfilteredAsync();
        var org = await check.Organisations.SingleAsync();
        Assert.Equal("Northwind Collections", org.Name);
        Assert.Equal(org.Id, admin.OrganisationId);
    }

    [Fact]
    public async Task First_signup_without_an_organisation_name_is_refused_at_the_field_and_writes_nothing()
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("first@example.test", org: " "));
        Assert.Contains("OrganisationName", ex.Errors.Keys);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Organisations.AnyAsync());
        Assert.False(await check.Users.AnyAsync());
    }

    [Fact]
    public async Task A_refused_password_on_first_signup_leaves_no_organisation_behind()
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("first@example.test", org: "Acme", password: "password123"));
        Assert.Contains("Password", ex.Errors.Keys);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Organisations.AnyAsync());
    }

    [Fact]
    public async Task A_first_signup_password_holding_the_organisation_name_from_the_same_form_is_refused_at_the_field()
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            RegisterAsync("first@example.test", org: "Peer Review Studio", password: "peer review studio 2026"));
        Assert.Contains("organisation's name", Assert.Single(ex.Errors["Password"]));
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Organisations.AnyAsync());
    }

    [Fact]
    public async Task After_the_first_run_self_signup_without_an_invitation_is_refused_with_a_clear_message()
    {
        await RegisterAsync("first@example.test", org: "Acme");

        var state = await WithSignUpAsync(s => s.GetStateAsync(null));
        Assert.Equal(SignUpMode.Closed, state.Mode);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("second@example.test", org: "Another org"));
        Assert.Contains("invitation", ex.Message);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(1, await check.Organisations.CountAsync());
        Assert.Equal(1, await check.Users.CountAsync());
    }

    [Fact]
    public async Task An_invitation_joins_its_organisation_with_its_role_once_only()
    {
        var admin = await RegisterAsync("first@example.test", org: "Acme");
        var invitation = await InviteAsync(admin, OrgRole.Reviewer);

        var state = await WithSignUpAsync(s => s.GetStateAsync(invitation.Token));
        Assert.Equal((SignUpMode.Invited, "Acme", OrgRole.Reviewer), (state.Mode, state.OrganisationName, state.Role));

        var reviewer = await RegisterAsync("rev@example.test", invitation: invitation.Token);
        Assert.Equal(OrgRole.Reviewer, reviewer.Role);
        Assert.Equal(admin.OrganisationId, reviewer.OrganisationId);

        var again = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("third@example.test", invitation: invitation.Token));
        Assert.Contains("already been used", again.Message);
    }

    [Fact]
    public async Task Expired_revoked_and_unknown_invitations_are_refused()
    {
        var admin = await RegisterAsync("first@example.test", org: "Acme");
        var expiring = await InviteAsync(admin, OrgRole.Learner, days: 1);
        var revoked = await InviteAsync(admin, OrgRole.Learner);
        await using (var asAdmin = await db.AsAsync(admin)) await asAdmin.Get<MemberService>().RevokeInvitationAsync(revoked.Id);
        db.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Contains("expired",
            (await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("a@example.test", invitation: expiring.Token))).Message);
        Assert.Contains("withdrawn",
            (await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("b@example.test", invitation: revoked.Token))).Message);
        Assert.Contains("not valid",
            (await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("c@example.test", invitation: "made-up-token"))).Message);
    }

    [Fact]
    public async Task An_invitation_for_an_email_address_only_accepts_that_address()
    {
        var admin = await RegisterAsync("first@example.test", org: "Acme");
        var invitation = await InviteAsync(admin, OrgRole.Learner, email: "kim@example.test");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync("someone.else@example.test", invitation: invitation.Token));
        Assert.Contains("Email", ex.Errors.Keys);
        var kim = await RegisterAsync("KIM@example.test", invitation: invitation.Token);
        Assert.Equal(OrgRole.Learner, kim.Role);
    }

    [Fact]
    public async Task Ten_simultaneous_sign_ups_on_one_invitation_make_one_account_and_nine_clear_refusals()
    {
        var admin = await RegisterAsync("first@example.test", org: "Acme");
        var invitation = await InviteAsync(admin, OrgRole.Learner);

        // Every racer has its own scope (its own connection and transaction), as ten browsers posting at once have.
        // Every racer awaits the same start signal; all ten state reads may finish before any account is created.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                // As the page does: the form shows the invitation's state, then the same scope registers.
                await WithSignUpAsync(async s =>
                {
                    await s.GetStateAsync(invitation.Token);
                    return await s.RegisterAsync(new SignUpRequest($"racer{i}@example.test", "Some Person", TestPasswords.Good, null, invitation.Token));
                });
                return (Joined: true, Message: "");
            }
            catch (ValidationFailedException ex)
            {
                return (Joined: false, ex.Message);
            }
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(racers);

        Assert.Single(outcomes, o => o.Joined);
        Assert.All(outcomes.Where(o => !o.Joined), o => Assert.Contains("already been used", o.Message));
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(2, await check.Users.CountAsync(u => u.OrganisationId == admin.OrganisationId));
        var stored = await check.Invitations.SingleAsync();
        var winner = await check.Users.SingleAsync(u => u.Email!.StartsWith("racer"));
        Assert.Equal(winner.Id, stored.AcceptedById);
    }

    [Fact]
    public async Task Only_a_hash_of_the_invitation_token_is_stored()
    {
        var admin = await RegisterAsync("first@example.test", org: "Acme");
        var invitation = await InviteAsync(admin, OrgRole.Learner);
        await using var check = await db.OpenUnfilteredAsync();
        var stored = await check.Invitations.SingleAsync();
        Assert.NotEqual(invitation.Token, stored.TokenHash);
        Assert.DoesNotContain(invitation.Token, stored.TokenHash);
    }
}

using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Every guarded service method, called directly as every role: the service is the guard, not the UI.</summary>
public sealed class AuthorisationTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();
    private static readonly byte[] Png = TestImages.Png();

    public Task InitializeAsync() => db.InitializeAsync();
    public Task DisposeAsync() => db.DisposeAsync();

    private static readonly (string Name, OrgRole[] Allowed, Func<AsUser, TestOrganisation, Task> Call)[] Calls =
    [
        ("list members", [OrgRole.Admin], (u, _) => u.Get<MemberService>().ListAsync()),
        ("invite", [OrgRole.Admin], (u, _) => u.Get<MemberService>().InviteAsync(OrgRole.Learner, null)),
        ("list invitations", [OrgRole.Admin], (u, _) => u.Get<MemberService>().ListInvitationsAsync()),
        ("change role", [OrgRole.Admin], (u, o) => u.Get<MemberService>().ChangeRoleAsync(o.Learner.Id, OrgRole.Reviewer)),
        ("deactivate", [OrgRole.Admin], (u, o) => u.Get<MemberService>().SetActiveAsync(o.Learner.Id, false)),
        ("reset link", [OrgRole.Admin], (u, o) => u.Get<MemberService>().CreatePasswordResetLinkAsync(o.Learner.Id)),
        ("sign out everywhere", [OrgRole.Admin], (u, o) => u.Get<MemberService>().SignOutEverywhereAsync(o.Learner.Id)),
        ("update settings", [OrgRole.Admin], (u, _) => u.Get<Branding>().UpdateAsync("Renamed", "#112233")),
        ("upload logo", [OrgRole.Admin], (u, _) => u.Get<Branding>().SetLogoAsync(Png)),
        ("create team", [OrgRole.Admin], (u, o) =>
            u.Get<TeamService>().CreateAsync(new TeamInput("Team " + Guid.NewGuid().ToString("N")[..6], null, [o.ContentManager.Id]))),
        ("list teams", [OrgRole.Admin, OrgRole.Manager], (u, _) => u.Get<TeamService>().ListAsync()),
        ("list people", [OrgRole.Admin, OrgRole.Manager], (u, _) => u.Get<TeamService>().ListPeopleAsync()),
        ("read branding", OrgRoles.All, (u, _) => u.Get<Branding>().GetAsync()),
        ("home overview", OrgRoles.All, (u, _) => u.Get<OverviewService>().GetAsync()),
    ];

    public static TheoryData<OrgRole> Roles => new(OrgRoles.All);

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_can_call_exactly_what_the_role_table_allows(OrgRole role)
    {
        var org = await db.CreateOrganisationAsync("Acme");
        foreach (var (name, allowed, call) in Calls)
        {
            await using var asUser = await db.AsAsync(org.Members[role]);
            var error = await Record.ExceptionAsync(() => call(asUser, org));
            if (allowed.Contains(role)) Assert.True(error is null, $"{role} should be able to {name}: {error}");
            else Assert.True(error is ForbiddenException, $"{role} must be refused '{name}', got {error?.GetType().Name ?? "success"}");
        }
    }

    [Fact]
    public async Task An_admin_of_another_organisation_cannot_see_or_touch_this_one()
    {
        var acme = await db.CreateOrganisationAsync("Acme");
        var globex = await db.CreateOrganisationAsync("Globex");
        Guid acmeTeam, acmeInvitation;
        await using (var asAcme = await db.AsAsync(acme.Admin))
        {
            acmeTeam = await asAcme.Get<TeamService>().CreateAsync(new TeamInput("Closers", acme.Manager.Id, [acme.Learner.Id]));
            acmeInvitation = (await asAcme.Get<MemberService>().InviteAsync(OrgRole.Learner, null)).Id;
        }

        await using var asGlobex = await db.AsAsync(globex.Admin);
        var members = asGlobex.Get<MemberService>();
        var teams = asGlobex.Get<TeamService>();

        Assert.DoesNotContain(await members.ListAsync(), m => acme.Members.Values.Any(a => a.Id == m.Id));
        Assert.Empty(await members.ListInvitationsAsync());
        Assert.Empty(await teams.ListAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => members.ChangeRoleAsync(acme.Learner.Id, OrgRole.Admin));
        await Assert.ThrowsAsync<ForbiddenException>(() => members.SetActiveAsync(acme.Admin.Id, false));
        await Assert.ThrowsAsync<ForbiddenException>(() => members.CreatePasswordResetLinkAsync(acme.Admin.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => members.SignOutEverywhereAsync(acme.Admin.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => members.RevokeInvitationAsync(acmeInvitation));
        await Assert.ThrowsAsync<ForbiddenException>(() => teams.UpdateAsync(acmeTeam, new TeamInput("Stolen", null, [])));
        await Assert.ThrowsAsync<ForbiddenException>(() => teams.DeleteAsync(acmeTeam));
        var cross = await Assert.ThrowsAsync<ValidationFailedException>(
            () => teams.CreateAsync(new TeamInput("Mixed", acme.Manager.Id, [acme.Learner.Id])));
        Assert.Contains("MemberIds", cross.Errors.Keys);
        Assert.Contains("ManagerId", cross.Errors.Keys);

        var acmeLearner = await db.ReloadAsync(acme.Learner);
        Assert.Equal(OrgRole.Learner, acmeLearner.Role);
        Assert.True(acmeLearner.IsActive);
    }

    [Fact]
    public async Task A_deactivated_member_is_refused_by_every_service()
    {
        var org = await db.CreateOrganisationAsync("Acme");
        await using (var asAdmin = await db.AsAsync(org.Admin)) await asAdmin.Get<MemberService>().SetActiveAsync(org.Manager.Id, false);

        await using var asManager = await db.AsAsync(org.Manager);
        await Assert.ThrowsAsync<ForbiddenException>(() => asManager.Get<TeamService>().ListAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => asManager.Get<OverviewService>().GetAsync());
        var signIn = asManager.Get<Microsoft.AspNetCore.Identity.SignInManager<ScenarioStudio.Account.ApplicationUser>>();
        Assert.False(await signIn.CanSignInAsync(await db.ReloadAsync(org.Manager)));
    }

    [Fact]
    public async Task A_call_for_a_page_that_has_gone_is_cancelled_not_failed()
    {
        // A circuit's CurrentUser reads the user from the circuit's AuthenticationStateProvider, disposed with the circuit.
        var circuit = db.Services.CreateAsyncScope();
        var current = circuit.ServiceProvider.GetRequiredService<CurrentUser>();
        await circuit.DisposeAsync();
        using var left = new CancellationTokenSource();
        left.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => current.GetAsync(left.Token));
        // Without a cancelled token (a component still loading when its page went away) the disposed circuit's error
        // becomes a cancellation too, which Blazor ignores, rather than an unhandled exception in a dead circuit.
        var cut = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => current.GetAsync());
        Assert.IsType<ObjectDisposedException>(cut.InnerException);
    }

    [Fact]
    public async Task The_tenant_filter_hides_other_organisations_rows()
    {
        var acme = await db.CreateOrganisationAsync("Acme");
        var globex = await db.CreateOrganisationAsync("Globex");
        await using var context = await db.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        context.ScopeTo(globex.Id);
        var visible = context.Users.Select(u => u.OrganisationId).Distinct().ToList();
        Assert.Equal([globex.Id], visible);
        Assert.DoesNotContain(context.Users, u => u.Id == acme.Admin.Id);
    }

    [Fact]
    public async Task A_context_opened_for_no_organisation_sees_nothing_unless_opened_as_the_system()
    {
        var acme = await db.CreateOrganisationAsync("Acme");
        var globex = await db.CreateOrganisationAsync("Globex");
        var factory = db.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>();

        await using (var bare = await factory.CreateDbContextAsync())
        {
            Assert.Empty(bare.Users);
            Assert.Empty(bare.Teams);
            Assert.Empty(bare.Invitations);
        }
        await using (var system = await db.Services.GetRequiredService<TenantDb>().OpenAsSystemAsync())
            Assert.Equal(new[] { acme.Id, globex.Id }.Order(), system.Users.Select(u => u.OrganisationId).Distinct().AsEnumerable().Order());
        await using (var scoped = await factory.CreateDbContextAsync())
        {
            scoped.ScopeTo(acme.Id);
            Assert.Equal([acme.Id], scoped.Users.Select(u => u.OrganisationId).Distinct().ToList());
        }
        await using (var injected = db.Services.CreateAsyncScope())
            Assert.Empty(injected.ServiceProvider.GetRequiredService<AppDbContext>().Users); // only TenantDb opens for an organisation
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Issue 19.5 (first part): the install's Operator creates organisations, hands each its first Admin, sees usage, suspends one.</summary>
public sealed class OperatorServiceTests : IAsyncLifetime
{
    private const string OperatorEmail = "ops@install.test";
    private readonly TestDatabase db = new() { Settings = new Dictionary<string, string?> { ["Operator:Emails:0"] = " OPS@install.test " } };
    private TestOrganisation home = default!;
    private ApplicationUser operatorUser = default!;

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        home = await db.CreateOrganisationAsync("Host Co");
        await using var scope = db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        operatorUser = new ApplicationUser
        {
            OrganisationId = home.Id, Role = OrgRole.Learner, DisplayName = "Olu Operator",
            UserName = OperatorEmail, Email = OperatorEmail, EmailConfirmed = true,
        };
        Assert.True((await users.CreateAsync(operatorUser, TestPasswords.Good)).Succeeded);
    }

    public Task DisposeAsync() => db.DisposeAsync();

    [Fact]
    public async Task Only_the_configured_operators_may_list_create_or_suspend_organisations()
    {
        foreach (var member in home.Members.Values)
        {
            await using var asMember = await db.AsAsync(member);
            var service = asMember.Get<OperatorService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => service.ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => service.CreateAsync("Sneaky Org", "x@sneaky.test"));
            await Assert.ThrowsAsync<ForbiddenException>(() => service.SetSuspendedAsync(home.Id, true));
        }
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(1, await check.Organisations.CountAsync());
    }

    [Fact]
    public async Task A_new_organisation_gets_its_first_Admin_through_a_bound_link_and_sees_only_its_own_data()
    {
        CreatedOrganisation created;
        await using (var asOperator = await db.AsAsync(operatorUser))
            created = await asOperator.Get<OperatorService>().CreateAsync("  Northwind Support ", "lead@northwind.test");

        // The link makes an Admin of the new organisation, for that address only.
        await using (var scope = db.Services.CreateAsyncScope())
        {
            var signUp = scope.ServiceProvider.GetRequiredService<SignUpService>();
            var state = await signUp.GetStateAsync(created.AdminInvitation.Token);
            Assert.Equal((SignUpMode.Invited, "Northwind Support", OrgRole.Admin), (state.Mode, state.OrganisationName, state.Role));
            await Assert.ThrowsAsync<ValidationFailedException>(() => signUp.RegisterAsync(
                new SignUpRequest("someone@else.test", "Someone Else", TestPasswords.Good, null, created.AdminInvitation.Token)));
        }
        ApplicationUser lead;
        await using (var scope = db.Services.CreateAsyncScope())
            lead = await scope.ServiceProvider.GetRequiredService<SignUpService>().RegisterAsync(
                new SignUpRequest("lead@northwind.test", "Lea Lead", TestPasswords.Good, null, created.AdminInvitation.Token));
        Assert.Equal((created.Id, OrgRole.Admin), (lead.OrganisationId, lead.Role));

        // It starts as every organisation does (categories, the seeded library) and sees nothing of Host Co.
        int hostScenario;
        await using (var hostAdmin = await db.AsAsync(home.Admin))
            hostScenario = await hostAdmin.Get<ScenarioCommands>().CreateAsync(Tests.Scenarios.ScenarioSamples.Publishable("Host secret"));
        await using (var asLead = await db.AsAsync(lead))
        {
            var page = await asLead.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery(PageSize: 100));
            Assert.Equal(ScenarioLibrary.Keys.Count, page.Total);
            Assert.DoesNotContain(page.Rows, r => r.Id == hostScenario);
        }
        await using var check = await db.OpenUnfilteredAsync();
        Assert.True(await check.Categories.CountAsync(c => c.OrganisationId == created.Id) > 0);
        Assert.Contains(await check.AuditEntries.Where(a => a.OrganisationId == created.Id).Select(a => a.Summary).ToListAsync(),
            s => s.Contains("first Admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_name_or_an_address_in_use_is_refused_at_its_field_and_nothing_is_written()
    {
        await using var asOperator = await db.AsAsync(operatorUser);
        var service = asOperator.Get<OperatorService>();
        Assert.Contains("Name", (await Assert.ThrowsAsync<ValidationFailedException>(() => service.CreateAsync("x", "a@b.test"))).Errors.Keys);
        Assert.Contains("Name", (await Assert.ThrowsAsync<ValidationFailedException>(() => service.CreateAsync("Host Co", "a@b.test"))).Errors.Keys);
        Assert.Contains("AdminEmail",
            (await Assert.ThrowsAsync<ValidationFailedException>(() => service.CreateAsync("Fresh Org", "not-an-address"))).Errors.Keys);
        Assert.Contains("AdminEmail",
            (await Assert.ThrowsAsync<ValidationFailedException>(() => service.CreateAsync("Fresh Org", home.Learner.Email!))).Errors.Keys);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(1, await check.Organisations.CountAsync());
        Assert.Equal(0, await check.Invitations.CountAsync());
    }

    [Fact]
    public async Task Usage_counts_members_and_finished_sessions_and_a_suspended_organisation_can_neither_sign_in_nor_act()
    {
        var other = await db.CreateOrganisationAsync("Tenant B");
        int scenarioId;
        await using (var admin = await db.AsAsync(other.Admin))
        {
            scenarioId = await admin.Get<ScenarioCommands>().CreateAsync(Tests.Scenarios.ScenarioSamples.Publishable("B's pitch", phases: 2));
            await admin.Scenarios().Lifecycle.PublishAsync(scenarioId);
        }
        await using (var learner = await db.AsAsync(other.Learner))
        {
            var practice = learner.Get<PracticeService>();
            var id = await practice.StartAsync(scenarioId);
            await practice.CompleteAsync(id, v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }

        await using (var asOperator = await db.AsAsync(operatorUser))
        {
            var service = asOperator.Get<OperatorService>();
            var usage = (await service.ListAsync()).Single(o => o.Id == other.Id);
            Assert.Equal((5, 1, 1, 1), (usage.Members, usage.Scenarios, usage.Sessions, usage.SessionsLast30Days));
            Assert.NotNull(usage.LastPractice);
            var own = await Assert.ThrowsAsync<ValidationFailedException>(() => service.SetSuspendedAsync(home.Id, true));
            Assert.Contains("your own organisation", own.Message);
            await service.SetSuspendedAsync(other.Id, true);
            Assert.NotNull((await service.ListAsync()).Single(o => o.Id == other.Id).SuspendedAt);
        }

        // Every call of a page still open is refused, and nobody of Tenant B can sign in; Host Co is untouched.
        await using (var learner = await db.AsAsync(other.Learner))
        {
            var refused = await Assert.ThrowsAsync<ForbiddenException>(() => learner.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery()));
            Assert.Equal(CurrentUser.SuspendedMessage, refused.Message);
        }
        await using (var scope = db.Services.CreateAsyncScope())
        {
            var signIn = (ScenarioStudioSignInManager)scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
            Assert.True(await signIn.IsSuspendedAsync(other.Id));
            Assert.False(await signIn.IsSuspendedAsync(home.Id));
        }
        await using (var hostLearner = await db.AsAsync(home.Learner))
            await hostLearner.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery());

        await using (var asOperator = await db.AsAsync(operatorUser))
            await asOperator.Get<OperatorService>().SetSuspendedAsync(other.Id, false);
        await using (var learner = await db.AsAsync(other.Learner))
            Assert.Equal(1, (await learner.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery())).Total);
    }
}

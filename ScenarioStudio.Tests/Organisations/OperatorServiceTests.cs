using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
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

    [Fact]
    public async Task Deleting_an_organisation_exports_its_rows_then_removes_every_one_and_leaves_the_others_alone()
    {
        // Two organisations with the same kind of life in them: members, a published scenario with a comment thread, a
        // finished session (criterion results and the totals the triggers keep), a team, audit entries, the seeded library.
        var doomed = await db.CreateOrganisationAsync("Tenant Gone");
        await db.Services.SeedLibraryAsync();
        await LiveAsync(doomed);
        await LiveAsync(home);
        await using (var asOperator = await db.AsAsync(operatorUser))
            await asOperator.Get<OperatorService>().SetSuspendedAsync(doomed.Id, true);

        Dictionary<string, long> totalsBefore, doomedBefore, homeBefore;
        await using (var check = await db.OpenUnfilteredAsync())
        {
            var data = OrganisationData.Of(check);
            totalsBefore = await TableTotalsAsync(check);
            doomedBefore = (await data.CountAsync(check, doomed.Id, default)).ToDictionary(t => t.Table, t => t.Rows);
            homeBefore = (await data.CountAsync(check, home.Id, default)).ToDictionary(t => t.Table, t => t.Rows);
        }
        foreach (var table in new[] { "Organisations", "AspNetUsers", "Scenarios", "ScenarioPhases", "ScenarioVersions", "ScenarioComments",
                     "PracticeSessions", "PracticeMessages", "CriterionResults", "CriterionTotals", "Teams", "TeamMembers", "Categories", "AuditEntries" })
            Assert.True(doomedBefore[table] > 0, $"{table} has no rows of the organisation to delete");

        DeletedOrganisation deleted;
        await using (var asOperator = await db.AsAsync(operatorUser))
            deleted = await asOperator.Get<OperatorService>().DeleteAsync(doomed.Id, " Tenant Gone ");

        // Every table, counted directly: it lost exactly the deleted organisation's rows, no more and no fewer.
        await using (var check = await db.OpenUnfilteredAsync())
        {
            var data = OrganisationData.Of(check);
            var totalsAfter = await TableTotalsAsync(check);
            totalsAfter["AuditEntries"]--; // the Operator's record of the deletion, in their own organisation's log
            foreach (var (table, total) in totalsBefore)
                Assert.True(total - doomedBefore.GetValueOrDefault(table) == totalsAfter[table], $"{table}: {total} before, {totalsAfter[table]} after");
            Assert.All(await data.CountAsync(check, doomed.Id, default), t => Assert.Equal(0, t.Rows));
            var homeAfter = (await data.CountAsync(check, home.Id, default)).ToDictionary(t => t.Table, t => t.Rows);
            homeAfter["AuditEntries"]--; // the Operator's record of the deletion, in their own organisation's log
            Assert.Equal(homeBefore, homeAfter);
            Assert.Contains(await check.AuditEntries.Where(a => a.OrganisationId == home.Id).Select(a => a.Summary).ToListAsync(),
                s => s.Contains("Deleted the organisation Tenant Gone", StringComparison.Ordinal) && s.Contains(deleted.ArchiveFile, StringComparison.Ordinal));
            // The append-only guard is back.
            await Assert.ThrowsAnyAsync<Exception>(() => check.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" """));
        }
        Assert.Equal(doomedBefore.Values.Sum(), deleted.TotalRows);

        // The archive holds every row that was deleted: one JSON array per table.
        await using (var asOperator = await db.AsAsync(operatorUser))
        {
            var service = asOperator.Get<OperatorService>();
            Assert.Equal(deleted.ArchiveFile, Assert.Single(await service.ListArchivesAsync()).FileName);
            var file = await service.ArchiveAsync(deleted.ArchiveFile);
            await using var zip = await ZipFile.OpenReadAsync(file.FullName);
            foreach (var (table, rows) in doomedBefore)
            {
                await using var entry = await zip.GetEntry(table + ".json")!.OpenAsync();
                using var json = await JsonDocument.ParseAsync(entry);
                Assert.True(json.RootElement.GetArrayLength() == rows, $"{table}: {rows} rows, {json.RootElement.GetArrayLength()} exported");
            }
            await using var organisations = await zip.GetEntry("Organisations.json")!.OpenAsync();
            using var organisation = await JsonDocument.ParseAsync(organisations);
            Assert.Equal("Tenant Gone", organisation.RootElement[0].GetProperty("Name").GetString());
            await Assert.ThrowsAsync<ValidationFailedException>(() => service.ArchiveAsync("../scenariostudio.db"));
        }

        // The organisation that stays works as before.
        await using (var hostLearner = await db.AsAsync(home.Learner))
            Assert.True((await hostLearner.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery(Search: "pitch"))).Total > 0);
    }

    [Fact]
    public async Task Deletion_is_refused_to_members_for_the_operators_own_an_active_organisation_or_a_mistyped_name_and_nothing_goes()
    {
        var other = await db.CreateOrganisationAsync("Tenant Kept");
        await LiveAsync(other);
        await using var check = await db.OpenUnfilteredAsync();
        var totals = await TableTotalsAsync(check);

        foreach (var member in other.Members.Values.Concat(home.Members.Values))
        {
            await using var asMember = await db.AsAsync(member);
            await Assert.ThrowsAsync<ForbiddenException>(() => asMember.Get<OperatorService>().DeleteAsync(other.Id, "Tenant Kept"));
            await Assert.ThrowsAsync<ForbiddenException>(() => asMember.Get<OperatorService>().ListArchivesAsync());
        }
        await using (var asOperator = await db.AsAsync(operatorUser))
        {
            var service = asOperator.Get<OperatorService>();
            Assert.Contains("own organisation", (await Assert.ThrowsAsync<ValidationFailedException>(() => service.DeleteAsync(home.Id, "Host Co"))).Message);
            Assert.Contains("Suspend", (await Assert.ThrowsAsync<ValidationFailedException>(() => service.DeleteAsync(other.Id, "Tenant Kept"))).Message);
            await service.SetSuspendedAsync(other.Id, true);
            var mistyped = await Assert.ThrowsAsync<ValidationFailedException>(() => service.DeleteAsync(other.Id, "Tenant Kep"));
            Assert.Contains("ConfirmName", mistyped.Errors.Keys);
            Assert.Empty(await service.ListArchivesAsync());
        }
        Assert.Equal(totals, await TableTotalsAsync(check));
    }

    /// <summary>Some life in an organisation: a published scenario with a comment thread, a finished session, a team.</summary>
    private async Task LiveAsync(TestOrganisation org)
    {
        int scenarioId;
        await using (var admin = await db.AsAsync(org.Admin))
        {
            scenarioId = await admin.Get<ScenarioCommands>().CreateAsync(Tests.Scenarios.ScenarioSamples.Publishable("The renewal pitch", phases: 2));
            await admin.Scenarios().Lifecycle.PublishAsync(scenarioId);
            var comments = admin.Get<ScenarioStudio.Scenarios.Comments.CommentService>();
            await comments.ReplyAsync(await comments.AddAsync(scenarioId, ScenarioStudio.Scenarios.Comments.CommentAnchor.Scenario, "Check the price"), "Done");
            await admin.Get<TeamService>().CreateAsync(new TeamInput("Renewals", org.Manager.Id, [org.Learner.Id]));
        }
        await using var learner = await db.AsAsync(org.Learner);
        var practice = learner.Get<PracticeService>();
        await practice.CompleteAsync(await practice.StartAsync(scenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
    }

    /// <summary>Every table's rows, whoever they belong to.</summary>
    private static async Task<Dictionary<string, long>> TableTotalsAsync(AppDbContext check)
    {
        var totals = new Dictionary<string, long>();
        foreach (var table in check.Model.GetRelationalModel().Tables)
        {
            var count = "SELECT COUNT(*) AS \"Value\" FROM " + ModelTables.Quote(table.Name); // a name from the model, not input
            totals[table.Name] = await check.Database.SqlQueryRaw<long>(count).SingleAsync();
        }
        return totals;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Audit;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Audit;

/// <summary>
/// Issue 15.6: every change of members, invitations, teams, settings and assignments leaves exactly one audit row, written
/// in the change's own transaction, and a refused or failed change leaves none.
/// </summary>
public sealed class AuditRecordingTests : OrganisationTestBase
{
    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var context = await db.OpenUnfilteredAsync();
        return await context.AuditEntries.AsNoTracking().Where(e => e.OrganisationId == org.Id).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task A_role_change_is_recorded_with_before_and_after_and_refused_ones_leave_no_row()
    {
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var members = asAdmin.Get<MemberService>();
            await members.ChangeRoleAsync(org.Learner.Id, OrgRole.ContentManager);

            // Refused: the last Admin, a role that does not exist, a member of no organisation of ours.
            await Assert.ThrowsAsync<ValidationFailedException>(() => members.ChangeRoleAsync(org.Admin.Id, OrgRole.Learner));
            await Assert.ThrowsAsync<ValidationFailedException>(() => members.ChangeRoleAsync(org.Learner.Id, (OrgRole)42));
            await Assert.ThrowsAsync<ForbiddenException>(() => members.ChangeRoleAsync("no-such-member", OrgRole.Learner));
        }
        await using (var asManager = await db.AsAsync(org.Manager))
            await Assert.ThrowsAsync<ForbiddenException>(() => asManager.Get<MemberService>().ChangeRoleAsync(org.Learner.Id, OrgRole.Admin));

        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal((AuditAction.RoleChange, org.Admin.Id, org.Admin.DisplayName), (entry.Action, entry.ActorId, entry.ActorName));
        Assert.Equal((AuditSubjects.Member, org.Learner.Id, org.Learner.DisplayName), (entry.SubjectKind, entry.SubjectId, entry.SubjectName));
        Assert.Equal([new FieldChange("Role", "Learner", "Content manager")], entry.Changes);
        Assert.Equal(db.Clock.Now, entry.At);
        Assert.Equal(OrgRole.ContentManager, (await db.ReloadAsync(org.Learner)).Role);
    }

    [Fact]
    public async Task When_the_audit_row_cannot_be_written_the_change_is_not_made_either()
    {
        await using (var context = await db.OpenUnfilteredAsync())
            await context.Database.ExecuteSqlRawAsync(TestEngine.RefuseInsertsSql("AuditEntries", "test_audit_fails"));

        await using var asAdmin = await db.AsAsync(org.Admin);
        await Assert.ThrowsAsync<DbUpdateException>(() => asAdmin.Get<MemberService>().ChangeRoleAsync(org.Learner.Id, OrgRole.Reviewer));
        await Assert.ThrowsAnyAsync<Exception>(() => asAdmin.Get<Branding>().UpdateAsync("Renamed Ltd", "#112233"));
        await Assert.ThrowsAnyAsync<Exception>(() => asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", null, [])));

        Assert.Equal(OrgRole.Learner, (await db.ReloadAsync(org.Learner)).Role);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal("Acme", (await check.Organisations.SingleAsync(o => o.Id == org.Id)).Name);
        Assert.False(await check.Teams.AnyAsync());
    }

    [Fact]
    public async Task When_the_change_fails_in_the_database_no_audit_row_is_left()
    {
        await using (var context = await db.OpenUnfilteredAsync())
            await context.Database.ExecuteSqlRawAsync(TestEngine.RefuseInsertsSql("TeamMembers", "test_team_fails"));

        await using var asAdmin = await db.AsAsync(org.Admin);
        await Assert.ThrowsAsync<DbUpdateException>(() => asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", null, [org.Learner.Id])));
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public async Task Invitations_deactivation_and_reactivation_are_recorded()
    {
        CreatedInvitation invitation;
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var members = asAdmin.Get<MemberService>();
            invitation = await members.InviteAsync(OrgRole.Reviewer, "new.person@example.test", 3);
            var revoked = await members.InviteAsync(OrgRole.Learner, null);
            await members.RevokeInvitationAsync(revoked.Id);
            await members.RevokeInvitationAsync(revoked.Id); // already revoked: nothing changes, nothing is recorded
            await members.SetActiveAsync(org.Reviewer.Id, false);
            await members.SetActiveAsync(org.Reviewer.Id, true);
            await Assert.ThrowsAsync<ValidationFailedException>(() => members.SetActiveAsync(org.Admin.Id, false));
        }
        await using (var scope = db.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("new.person@example.test", "Nova Person", TestPasswords.Good, null, invitation.Token));
        }

        var entries = await EntriesAsync();
        Assert.Equal([AuditAction.Invitation, AuditAction.Invitation, AuditAction.Invitation, AuditAction.Deactivation, AuditAction.Reactivation,
            AuditAction.Invitation], entries.Select(e => e.Action));
        Assert.Equal(new FieldChange("Role", null, "Reviewer"), entries[0].Changes[0]);
        Assert.Contains("new.person@example.test", entries[0].Summary);
        Assert.Equal([new FieldChange("State", "Open", "Revoked")], entries[2].Changes);
        Assert.Equal([new FieldChange("Status", "Active", "Deactivated")], entries[3].Changes);
        Assert.Equal(org.Reviewer.Id, entries[4].SubjectId);
        var accepted = entries[5];
        Assert.Equal(("Nova Person", AuditSubjects.Member, accepted.ActorId), (accepted.ActorName, accepted.SubjectKind, accepted.SubjectId));
        Assert.Contains(new FieldChange("Invitation", invitation.Id.ToString(), "Accepted"), accepted.Changes);
    }

    [Fact]
    public async Task Team_creation_changes_membership_and_deletion_are_recorded_with_names()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var teams = asAdmin.Get<TeamService>();
        var id = await teams.CreateAsync(new TeamInput("Closers", org.Manager.Id, [org.Learner.Id]));
        await teams.UpdateAsync(id, new TeamInput("Closers", org.Manager.Id, [org.Learner.Id])); // no change: no row
        await teams.UpdateAsync(id, new TeamInput("Openers", org.Admin.Id, [org.Reviewer.Id]));
        await teams.DeleteAsync(id);

        var entries = await EntriesAsync();
        Assert.Equal([AuditAction.Create, AuditAction.Update, AuditAction.TeamChange, AuditAction.Delete], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((AuditSubjects.Team, id.ToString()), (e.SubjectKind, e.SubjectId)));
        Assert.Contains(new FieldChange("Members", null, org.Learner.DisplayName), entries[0].Changes);
        Assert.Equal([new FieldChange("Name", "Closers", "Openers"), new FieldChange("Manager", org.Manager.DisplayName, org.Admin.DisplayName)],
            entries[1].Changes);
        Assert.Equal([new FieldChange("Members", org.Learner.DisplayName, org.Reviewer.DisplayName)], entries[2].Changes);
        Assert.Contains($"added {org.Reviewer.DisplayName}", entries[2].Summary);
        Assert.Contains($"removed {org.Learner.DisplayName}", entries[2].Summary);
        Assert.Equal("Openers", entries[3].SubjectName);
    }

    [Fact]
    public async Task Ai_settings_changes_are_recorded_field_by_field_and_the_api_key_never_is()
    {
        const string key = "sk-test-SECRET-4242";
        await using var asAdmin = await db.AsAsync(org.Admin);
        var settings = asAdmin.Get<AiSettingsService>();
        var input = await settings.GetAsync();
        input.Provider = AiProvider.OpenAiCompatible;
        input.Endpoint = "http://localhost:11434";
        input.Model = "llama3.1";
        input.NewApiKey = key;
        await settings.SaveAsync(input);
        input = await settings.GetAsync();
        input.NewApiKey = key + "-rotated";
        input.MaxTokens = 900;
        await settings.SaveAsync(input);
        input = await settings.GetAsync();
        input.ClearApiKey = true;
        await settings.SaveAsync(input);
        input = await settings.GetAsync();
        await settings.SaveAsync(input); // nothing changed
        input.MaxTokens = 1;
        await Assert.ThrowsAsync<ValidationFailedException>(() => settings.SaveAsync(input));

        var entries = await EntriesAsync();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(AuditAction.AiSettingsChange, e.Action));
        Assert.Contains(new FieldChange("Provider", "Offline", "OpenAiCompatible"), entries[0].Changes);
        Assert.Contains(new FieldChange("Model", "", "llama3.1"), entries[0].Changes);
        Assert.Contains(new FieldChange("API key", "not set", "set"), entries[0].Changes);
        Assert.Equal([new FieldChange("Max tokens", "600", "900"), new FieldChange("API key", "set", "changed")], entries[1].Changes);
        Assert.Equal([new FieldChange("API key", "set", "cleared")], entries[2].Changes);

        await using var context = await db.OpenUnfilteredAsync();
        var stored = await context.Database.SqlQueryRaw<string>("SELECT \"Changes\" || \"Summary\" AS \"Value\" FROM \"AuditEntries\"").ToListAsync();
        Assert.DoesNotContain(stored, text => text.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Organisation_settings_and_logo_changes_are_recorded()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var branding = asAdmin.Get<Branding>();
        await branding.UpdateAsync("Acme Sales", "#0b7285");
        await branding.UpdateAsync("Acme Sales", "#0B7285"); // the same once stored: no row
        await branding.SetLogoAsync(TestImages.Png(64, 64));
        await branding.RemoveLogoAsync();
        await Assert.ThrowsAsync<ValidationFailedException>(() => branding.UpdateAsync("A", "red"));

        var entries = await EntriesAsync();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((AuditAction.SettingsChange, AuditSubjects.Organisation), (e.Action, e.SubjectKind)));
        Assert.Equal([new FieldChange("Name", "Acme", "Acme Sales"), new FieldChange("Primary colour", Branding.DefaultPrimaryColour, "#0B7285")],
            entries[0].Changes);
        Assert.Equal([new FieldChange("Logo", "none", "set")], entries[1].Changes);
        Assert.Equal([new FieldChange("Logo", "set", "removed")], entries[2].Changes);
    }

    [Fact]
    public async Task Assignments_are_recorded_when_made_and_removed()
    {
        Guid teamId;
        int scenarioId;
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            teamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", org.Manager.Id, [org.Learner.Id]));
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable("Trial pack objection"));
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }
        await using var asManager = await db.AsAsync(org.Manager);
        var assignments = asManager.Get<AssignmentService>();
        var due = assignments.Today().AddDays(3);
        var id = await assignments.CreateAsync(new AssignmentInput(teamId, scenarioId, due, "Before Friday"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => assignments.CreateAsync(new AssignmentInput(teamId, scenarioId, due, null)));
        await assignments.DeleteAsync(id);

        var entries = (await EntriesAsync()).Where(e => e.SubjectKind == AuditSubjects.Assignment).ToList();
        Assert.Equal([AuditAction.Create, AuditAction.Delete], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((id.ToString(), "Trial pack objection for Closers", org.Manager.Id), (e.SubjectId, e.SubjectName, e.ActorId)));
        Assert.Contains(new FieldChange("Due", null, due.ToString("yyyy-MM-dd")), entries[0].Changes);
        Assert.Contains(new FieldChange("Note", null, "Before Friday"), entries[0].Changes);
    }
}

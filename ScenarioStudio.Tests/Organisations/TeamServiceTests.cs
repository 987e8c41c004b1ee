using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class TeamServiceTests : OrganisationTestBase
{
    [Fact]
    public async Task An_admin_creates_a_team_with_a_manager_and_members()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var teams = asAdmin.Get<TeamService>();
        await teams.CreateAsync(new TeamInput("  Closers ", org.Manager.Id, [org.Learner.Id, org.Reviewer.Id]));

        var team = Assert.Single(await teams.ListAsync());
        Assert.Equal("Closers", team.Name);
        Assert.Equal(org.Manager.Id, team.Manager?.Id);
        Assert.Equal(2, team.Members.Count);
    }

    [Fact]
    public async Task Bad_team_input_is_refused_per_field_and_nothing_is_written()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var teams = asAdmin.Get<TeamService>();
        await teams.CreateAsync(new TeamInput("Closers", null, []));

        var duplicate = await Assert.ThrowsAsync<ValidationFailedException>(() => teams.CreateAsync(new TeamInput("Closers", null, [])));
        Assert.Contains("Name", duplicate.Errors.Keys);
        var learnerAsManager = await Assert.ThrowsAsync<ValidationFailedException>(
            () => teams.CreateAsync(new TeamInput("X", org.Learner.Id, ["no-such-user"])));
        Assert.Equal(["ManagerId", "MemberIds", "Name"], learnerAsManager.Errors.Keys.Order());
        Assert.Single(await teams.ListAsync());
    }

    [Fact]
    public async Task A_manager_sees_only_their_teams_and_may_change_members_but_not_name_or_manager()
    {
        Guid mine, other;
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var adminTeams = asAdmin.Get<TeamService>();
            mine = await adminTeams.CreateAsync(new TeamInput("Mine", org.Manager.Id, []));
            other = await adminTeams.CreateAsync(new TeamInput("Other", org.Admin.Id, []));
        }

        await using var asManager = await db.AsAsync(org.Manager);
        var teams = asManager.Get<TeamService>();
        Assert.Equal(["Mine"], (await teams.ListAsync()).Select(t => t.Name));

        await teams.UpdateAsync(mine, new TeamInput("Mine", org.Manager.Id, [org.Learner.Id]));
        Assert.Equal([org.Learner.Id], (await teams.ListAsync()).Single().Members.Select(m => m.Id));

        await Assert.ThrowsAsync<ForbiddenException>(() => teams.UpdateAsync(mine, new TeamInput("Renamed", org.Manager.Id, [])));
        await Assert.ThrowsAsync<ForbiddenException>(() => teams.UpdateAsync(other, new TeamInput("Other", org.Admin.Id, [org.Learner.Id])));
        await Assert.ThrowsAsync<ForbiddenException>(() => teams.DeleteAsync(mine));
    }
}

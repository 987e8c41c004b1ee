using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Organisations;

/// <summary>
/// Whose practice a caller follows, written once: an Admin (who manages every team) follows everyone in the
/// organisation; a Manager follows the members of the teams they lead; nobody else follows anyone. Practice,
/// dashboards, exports, assignments and teams all ask here.
/// </summary>
public static class TeamScope
{
    /// <summary>The teams the caller leads: every team for those who manage teams, the teams they are manager of otherwise.</summary>
    public static IQueryable<Team> TeamsLedBy(this AppDbContext db, Caller caller) =>
        caller.Can(Permission.ManageTeams) ? db.Teams : db.Teams.Where(t => t.ManagerId != null && t.ManagerId == caller.UserId);

    /// <summary>The same rule for one team already loaded.</summary>
    public static bool Leads(this Caller caller, Team team) => caller.Can(Permission.ManageTeams) || team.ManagerId == caller.UserId;

    /// <summary>The ids of the people whose sessions the caller may see.</summary>
    public static IQueryable<string> PeopleFollowedBy(this AppDbContext db, Caller caller)
    {
        if (!caller.Can(Permission.ViewTeamProgress)) return db.Users.Where(_ => false).Select(u => u.Id);
        if (caller.Can(Permission.ManageTeams)) return db.Users.Select(u => u.Id);
        var teams = db.TeamsLedBy(caller).Select(t => t.Id);
        return db.TeamMembers.Where(m => teams.Contains(m.TeamId)).Select(m => m.UserId).Distinct();
    }

    /// <summary>
    /// The people a dashboard lists: the active members among those the caller follows who are learning, that is
    /// in the Learner role or in a team (a Reviewer in a sales team practises with it).
    /// </summary>
    public static IQueryable<string> TraineesFollowedBy(this AppDbContext db, Caller caller)
    {
        var followed = db.PeopleFollowedBy(caller);
        return db.Users.Where(u => followed.Contains(u.Id) && u.IsActive
                && (u.Role == OrgRole.Learner || db.TeamMembers.Any(m => m.UserId == u.Id)))
            .Select(u => u.Id);
    }

    public static Task<bool> FollowsAsync(this AppDbContext db, Caller caller, string userId, CancellationToken ct) =>
        db.PeopleFollowedBy(caller).AnyAsync(id => id == userId, ct);
}

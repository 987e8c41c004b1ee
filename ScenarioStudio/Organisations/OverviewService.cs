using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Organisations;

public sealed record NextStep(string Text, string Href, string Action);

public sealed record TeamGlance(string Name, string? ManagerName, int MemberCount);

public sealed record Overview(
    string DisplayName,
    OrgRole Role,
    string OrganisationName,
    IReadOnlyDictionary<OrgRole, int> MembersByRole,
    int OpenInvitations,
    int TeamCount,
    IReadOnlyList<TeamGlance> MyTeams,
    IReadOnlyList<NextStep> NextSteps,
    int PublishedScenarios,
    int InReviewScenarios,
    int MyDrafts);

/// <summary>What each role's home page shows: counts from the database and the next useful steps.</summary>
public sealed class OverviewService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock)
{
    public async Task<Overview> GetAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var now = clock.GetUtcNow();

        var orgName = await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var hasLogo = await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.LogoContentType != null).SingleAsync(ct);
        var byRole = (await db.Users.Where(u => u.IsActive).GroupBy(u => u.Role)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(x => x.Key, x => x.Count);
        var openInvitations = caller.Can(Permission.ManageMembers)
            ? (await db.Invitations.Where(i => i.AcceptedAt == null && i.RevokedAt == null).Select(i => i.ExpiresAt).ToListAsync(ct)).Count(e => e > now)
            : 0;
        var teamCount = await db.Teams.CountAsync(ct);
        var myTeams = await db.Teams
            .Where(t => t.ManagerId == caller.UserId || t.Members.Any(m => m.UserId == caller.UserId))
            .OrderBy(t => t.Name)
            .Select(t => new TeamGlance(t.Name, t.Manager == null ? null : t.Manager.DisplayName, t.Members.Count))
            .ToListAsync(ct);

        var published = await db.Scenarios.OpenToLearners().CountAsync(ct);
        var inReview = caller.Can(Permission.ReviewScenario) ? await db.Scenarios.CountAsync(s => s.Status == ScenarioStatus.InReview, ct)
            + await db.ScenarioDrafts.CountAsync(d => d.Status == DraftStatus.InReview, ct) : 0;
        var myDrafts = await db.Scenarios.CountAsync(s => s.Status == ScenarioStatus.Draft && s.CreatedById == caller.UserId, ct);

        var steps = new List<NextStep>();
        if (inReview > 0)
            steps.Add(new($"{inReview} {(inReview == 1 ? "scenario waits" : "scenarios wait")} for review.", "/reviews", "Review"));
        if (caller.Role == OrgRole.ContentManager && myDrafts == 0)
            steps.Add(new("Build your first scenario from scratch or from a template.", "/scenarios/templates", "Start from a template"));
        if (caller.Role == OrgRole.Admin)
        {
            if (byRole.Values.Sum() <= 1) steps.Add(new("You are the only member so far.", "/admin/members", "Invite your team"));
            if (teamCount == 0) steps.Add(new("No teams yet: teams let managers follow their learners.", "/teams", "Create a team"));
            if (!hasLogo) steps.Add(new("Add your logo and colour so the studio looks like yours.", "/admin/settings", "Brand the studio"));
        }
        if (caller.Role == OrgRole.Manager && !myTeams.Any(t => t.ManagerName == caller.DisplayName))
            steps.Add(new("You do not lead a team yet. Ask an Admin to make you a team's manager.", "/teams", "See teams"));
        if (caller.Role is OrgRole.Learner or OrgRole.Reviewer or OrgRole.ContentManager && myTeams.Count == 0)
            steps.Add(new("You are not in a team yet; your Admin or manager can add you.", "/Account/Manage", "Complete your profile"));

        return new Overview(caller.DisplayName, caller.Role, orgName, byRole, openInvitations, teamCount, myTeams, steps,
            published, inReview, myDrafts);
    }
}

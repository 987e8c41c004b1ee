using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// Each access rule is written once (<see cref="ScenarioAccess"/>, <see cref="TeamScope"/>); these tests ask every
/// feature that applies a rule, for every role, and check they all give the rule's answer.
/// </summary>
public sealed class AccessRuleTests : OrganisationTestBase
{
    private ApplicationUser otherCreator = default!;
    private ApplicationUser otherManager = default!;
    private ApplicationUser teamLearner = default!;
    private ApplicationUser teamReviewer = default!;
    private ApplicationUser loneLearner = default!;
    private ApplicationUser leftLearner = default!;
    private readonly Dictionary<string, int> scenarios = [];
    private Guid closers;
    private Guid quiet;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        otherCreator = await db.AddMemberAsync(org.Id, OrgRole.ContentManager, "Second creator");
        otherManager = await db.AddMemberAsync(org.Id, OrgRole.Manager, "Manager without learners");
        teamLearner = await db.AddMemberAsync(org.Id, OrgRole.Learner, "In the team");
        teamReviewer = await db.AddMemberAsync(org.Id, OrgRole.Reviewer, "Reviewer in the team");
        loneLearner = await db.AddMemberAsync(org.Id, OrgRole.Learner, "In no team");
        leftLearner = await db.AddMemberAsync(org.Id, OrgRole.Learner, "Deactivated team member");

        await using (var asCreator = await db.AsAsync(org.ContentManager))
        {
            var s = asCreator.Scenarios();
            foreach (var (name, visibility) in new[] { ("open", Visibility.Organisation), ("mine-private", Visibility.Private),
                ("draft", Visibility.Organisation), ("in-review-private", Visibility.Private), ("archived", Visibility.Organisation) })
                scenarios[name] = await s.Commands.CreateAsync(ScenarioSamples.Publishable(name, phases: 2), visibility);
            await s.Lifecycle.SubmitForReviewAsync(scenarios["in-review-private"]);
        }
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var s = asAdmin.Scenarios();
            await s.Lifecycle.PublishAsync(scenarios["open"]);
            await s.Lifecycle.PublishAsync(scenarios["mine-private"]);
            await s.Lifecycle.PublishAsync(scenarios["archived"]);
            await s.Lifecycle.ArchiveAsync(scenarios["archived"]);
            var teams = asAdmin.Get<TeamService>();
            closers = await teams.CreateAsync(new TeamInput("Closers", org.Manager.Id, [teamLearner.Id, teamReviewer.Id, leftLearner.Id, org.Learner.Id]));
            quiet = await teams.CreateAsync(new TeamInput("Quiet", otherManager.Id, []));
        }
    }

    private IEnumerable<ApplicationUser> Everyone =>
        [.. org.Members.Values, otherCreator, otherManager, teamLearner, teamReviewer, loneLearner];

    private static Caller CallerOf(ApplicationUser u) => new(u.Id, u.OrganisationId, u.Role, u.DisplayName);

    private async Task<T> RuleAsync<T>(ApplicationUser user, Func<AppDbContext, Caller, Task<T>> rule)
    {
        await using var scope = await db.AsAsync(user);
        var caller = CallerOf(user);
        await using var context = await scope.Get<TenantDb>().OpenAsync(caller);
        return await rule(context, caller);
    }

    [Fact]
    public async Task What_a_caller_may_practise_is_what_practice_starts_for_them()
    {
        foreach (var user in Everyone)
        {
            var rule = await RuleAsync(user, (d, c) => d.Scenarios.PractisableBy(c).Select(s => s.Id).ToListAsync());
            await using var scope = await db.AsAsync(user);
            foreach (var (name, id) in scenarios)
                Assert.True(rule.Contains(id) == await Refusals.ServedAsync(() => scope.Get<PracticeService>().StartAsync(id)), $"{user.DisplayName}: {name}");
        }
        // The rule itself, spelled out once: the creator practises their own private published scenario, nobody else does.
        Assert.Equal([scenarios["open"], scenarios["mine-private"]],
            (await RuleAsync(org.ContentManager, (d, c) => d.Scenarios.PractisableBy(c).Select(s => s.Id).OrderBy(i => i).ToListAsync())));
        Assert.Equal([scenarios["open"]], await RuleAsync(org.Learner, (d, c) => d.Scenarios.PractisableBy(c).Select(s => s.Id).ToListAsync()));
    }

    [Fact]
    public async Task What_is_open_to_learners_is_what_learners_find_what_home_counts_what_is_suggested_and_what_may_be_assigned()
    {
        var open = await RuleAsync(org.Admin, (d, _) => d.Scenarios.OpenToLearners().Select(s => s.Id).OrderBy(i => i).ToListAsync());
        Assert.Equal([scenarios["open"]], open);

        await using (var asLearner = await db.AsAsync(loneLearner))
        {
            Assert.Equal(open, (await asLearner.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery(PageSize: 100))).Rows.Select(r => r.Id).Order());
            Assert.Equal(open.Count, (await asLearner.Get<OverviewService>().GetAsync()).PublishedScenarios);
            Assert.Equal(open, (await asLearner.Get<ProgressService>().GetMineAsync()).Next.Select(n => n.ScenarioId).Order());
        }
        await using var asAdmin = await db.AsAsync(org.Admin);
        foreach (var (name, id) in scenarios)
        {
            var assigned = await Refusals.ServedAsync(
                () => asAdmin.Get<AssignmentService>().CreateAsync(new AssignmentInput(closers, id, Today, null)), validationRefuses: true);
            Assert.True(open.Contains(id) == assigned, name);
        }
        await using var asTeamLearner = await db.AsAsync(teamLearner);
        Assert.Equal(open, (await asTeamLearner.Get<AssignmentService>().ListMineAsync()).Select(a => a.ScenarioId));
    }

    [Fact]
    public async Task What_a_caller_may_read_is_what_search_lists_and_what_opens()
    {
        foreach (var user in Everyone)
        {
            var rule = await RuleAsync(user, (d, c) => d.Scenarios.ReadableBy(c).Select(s => s.Id).OrderBy(i => i).ToListAsync());
            await using var scope = await db.AsAsync(user);
            var queries = scope.Get<ScenarioQueries>();
            Assert.Equal(rule, (await queries.SearchAsync(new ScenarioQuery(PageSize: 100))).Rows.Select(r => r.Id).Order());
            foreach (var (name, id) in scenarios)
                Assert.True(rule.Contains(id) == await Refusals.ServedAsync(() => queries.GetAsync(id)), $"{user.DisplayName}: {name}");
        }
    }

    [Fact]
    public async Task Whose_practice_a_caller_follows_is_what_history_sessions_dashboards_and_exports_show()
    {
        var learners = new[] { org.Learner, teamLearner, teamReviewer, loneLearner, leftLearner };
        var sessions = new Dictionary<string, Guid>();
        foreach (var learner in learners)
        {
            await using var scope = await db.AsAsync(learner);
            sessions[learner.Id] = await scope.Get<PracticeService>().StartAsync(scenarios["open"]);
        }
        await using (var asAdmin = await db.AsAsync(org.Admin))
            await asAdmin.Get<MemberService>().SetActiveAsync(leftLearner.Id, false);

        foreach (var user in Everyone)
        {
            var followed = await RuleAsync(user, (d, c) => d.PeopleFollowedBy(c).ToListAsync());
            var trainees = await RuleAsync(user, (d, c) => d.TraineesFollowedBy(c).OrderBy(i => i).ToListAsync());
            await using var scope = await db.AsAsync(user);
            foreach (var learner in learners)
            {
                var label = $"{user.DisplayName} following {learner.DisplayName}";
                var follows = followed.Contains(learner.Id);
                Assert.True(follows == await Refusals.ServedAsync(() => scope.Get<SessionHistory>().ListForLearnerAsync(learner.Id)), label);
                if (learner.Id != user.Id)
                    Assert.True(follows == await Refusals.ServedAsync(() => scope.Get<PracticeService>().GetAsync(sessions[learner.Id])), label);
            }
            if (!user.Role.Can(Permission.ViewTeamProgress))
            {
                Assert.Empty(followed);
                continue;
            }
            var dashboard = await scope.Get<TeamDashboardService>().GetAsync();
            Assert.Equal(trainees, dashboard.Learners.Select(l => l.LearnerId).Order());
            var export = await scope.Get<TeamDashboardService>().SessionsAsync();
            var exported = new List<string>();
            await foreach (var row in export.Rows) exported.Add((string)row[0]!);
            Assert.Equal(learners.Where(l => followed.Contains(l.Id)).Select(l => l.DisplayName).Order(), exported.Order());
        }

        // The rule spelled out once: the team's manager follows the team (the deactivated member's history included)
        // and lists its active members; the manager of an empty team follows nobody; the Admin follows everyone.
        Assert.Equal(new[] { org.Learner.Id, teamLearner.Id, teamReviewer.Id }.Order(),
            await RuleAsync(org.Manager, (d, c) => d.TraineesFollowedBy(c).OrderBy(i => i).ToListAsync()));
        Assert.Contains(leftLearner.Id, await RuleAsync(org.Manager, (d, c) => d.PeopleFollowedBy(c).ToListAsync()));
        Assert.Empty(await RuleAsync(otherManager, (d, c) => d.PeopleFollowedBy(c).ToListAsync()));
        Assert.Contains(loneLearner.Id, await RuleAsync(org.Admin, (d, c) => d.TraineesFollowedBy(c).ToListAsync()));
    }

    [Fact]
    public async Task The_teams_a_caller_leads_are_the_teams_they_list_change_and_assign_to()
    {
        foreach (var user in Everyone)
        {
            var led = await RuleAsync(user, (d, c) => d.TeamsLedBy(c).Select(t => t.Id).ToListAsync());
            await using var scope = await db.AsAsync(user);
            if (user.Role.Can(Permission.ViewTeams))
                Assert.Equal(led.Order(), (await scope.Get<TeamService>().ListAsync()).Select(t => t.Id).Order());
            foreach (var team in new[] { closers, quiet })
            {
                var label = $"{user.DisplayName}, team {team}";
                var assignments = scope.Get<AssignmentService>();
                var assigned = await Refusals.ServedAsync(
                    async () => await assignments.DeleteAsync(await assignments.CreateAsync(new AssignmentInput(team, scenarios["open"], Today, null))),
                    validationRefuses: true);
                Assert.True(led.Contains(team) == assigned, label);
            }
        }
    }

    private DateOnly Today => DateOnly.FromDateTime(db.Clock.GetUtcNow().UtcDateTime);
}

using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Progress;

public sealed class AssignmentServiceTests : PracticeTestBase
{
    private Guid teamId;
    private Account.ApplicationUser teammate = default!;
    private DateOnly Today => DateOnly.FromDateTime(Db.Clock.GetUtcNow().UtcDateTime);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        teammate = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Teammate");
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        teamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", Org.Manager.Id, [Org.Learner.Id, teammate.Id]));
    }

    [Fact]
    public async Task A_manager_assigns_their_team_and_completion_counts_sessions_finished_after_it()
    {
        // A session finished before the assignment does not count.
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var practice = asLearner.Get<PracticeService>();
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }
        Db.Clock.Advance(TimeSpan.FromHours(1));
        await using (var asManager = await Db.AsAsync(Org.Manager))
        {
            var assignments = asManager.Get<AssignmentService>();
            Assert.Equal(["Closers"], (await assignments.OptionsAsync()).Teams.Select(t => t.Name));
            Assert.Contains(await assignments.SearchPractisableAsync("objection"), s => s.Id == ScenarioId);
            await assignments.CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(3), "Before Friday's calls"));
            var row = Assert.Single(await assignments.ListAsync());
            Assert.Equal(("Closers", 2, 0, "Before Friday's calls"), (row.Team, row.Members, row.Done, row.Note));
        }

        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var mine = Assert.Single(await asLearner.Get<AssignmentService>().ListMineAsync());
            Assert.Equal((AssignmentState.Due, 3), (mine.State, mine.DaysLeft));
            Db.Clock.Advance(TimeSpan.FromHours(1));
            var practice = asLearner.Get<PracticeService>();
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
            Assert.Equal(AssignmentState.Done, Assert.Single(await asLearner.Get<AssignmentService>().ListMineAsync()).State);
        }
        await using (var asManager = await Db.AsAsync(Org.Manager))
            Assert.Equal(1, Assert.Single(await asManager.Get<AssignmentService>().ListAsync()).Done);

        // Past the due date, the teammate who has not practised is overdue.
        Db.Clock.Advance(TimeSpan.FromDays(5));
        await using (var asTeammate = await Db.AsAsync(teammate))
            Assert.Equal(AssignmentState.Overdue, Assert.Single(await asTeammate.Get<AssignmentService>().ListMineAsync()).State);
        await using (var asManager = await Db.AsAsync(Org.Manager))
        {
            var assignments = asManager.Get<AssignmentService>();
            Assert.True(Assert.Single(await assignments.ListAsync()).IsOverdue(assignments.Today()));
        }
    }

    [Fact]
    public async Task The_form_finds_scenarios_as_the_manager_types_and_never_reads_every_title()
    {
        // Sixty published scenarios with "refund" in the title, a draft, a private one and one with a literal percent sign.
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            Scenario Row(string title, ScenarioStatus status = ScenarioStatus.Published, Visibility visibility = Visibility.Organisation) => new()
            {
                OrganisationId = Org.Id, CreatedById = Org.ContentManager.Id, Title = title, Slug = $"s-{Guid.NewGuid():N}",
                Status = status, Visibility = visibility,
            };
            context.Scenarios.AddRange(Enumerable.Range(0, 60).Select(i => Row($"Refund call {i:00}")));
            context.Scenarios.AddRange(
                Row("Refund draft", ScenarioStatus.Draft), Row("Refund private", visibility: Visibility.Private), Row("Save 100% of the refund"));
            await context.SaveChangesAsync();
        }
        await using var asManager = await Db.AsAsync(Org.Manager);
        var assignments = asManager.Get<AssignmentService>();

        using (var sql = Db.Sql.Capture())
        {
            var found = await assignments.SearchPractisableAsync("REFUND");
            Assert.Equal(AssignmentService.MaxSearchResults, found.Count);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Refund call {i:00}"), found.Select(s => s.Title));
            Assert.True(sql.MaxRowsRead <= AssignmentService.MaxSearchResults + 1, sql.Describe());
        }
        using (var sql = Db.Sql.Capture())
        {
            Assert.Equal([teamId], (await assignments.OptionsAsync()).Teams.Select(t => t.Id));
            Assert.DoesNotContain(sql.Commands, c => c.Contains("\"Scenarios\"")); // the options are the teams only
        }
        Assert.Equal(["Refund call 07"], (await assignments.SearchPractisableAsync(" call 07 ")).Select(s => s.Title));
        Assert.Equal(["Save 100% of the refund"], (await assignments.SearchPractisableAsync("100%")).Select(s => s.Title));
        Assert.Empty(await assignments.SearchPractisableAsync("draft"));
        Assert.Empty(await assignments.SearchPractisableAsync("private"));
        Assert.Equal(5, (await assignments.SearchPractisableAsync("", max: 5)).Count);

        await using var asLearner = await Db.AsAsync(Org.Learner);
        await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<AssignmentService>().SearchPractisableAsync("refund"));
    }

    [Fact]
    public async Task Bad_input_is_refused_at_its_field_and_nothing_is_written()
    {
        int draft;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
            draft = await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Unpublished draft", phases: 2));
        await using var asManager = await Db.AsAsync(Org.Manager);
        var assignments = asManager.Get<AssignmentService>();

        async Task<IReadOnlyDictionary<string, string[]>> Refused(AssignmentInput input) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => assignments.CreateAsync(input))).Errors;

        Assert.Contains("DueOn", (await Refused(new(teamId, ScenarioId, Today.AddDays(-1), null))).Keys);
        Assert.Contains("DueOn", (await Refused(new(teamId, ScenarioId, null, null))).Keys);
        Assert.Contains("DueOn", (await Refused(new(teamId, ScenarioId, Today.AddDays(400), null))).Keys);
        Assert.Contains("ScenarioId", (await Refused(new(teamId, draft, Today, null))).Keys);
        Assert.Contains("Note", (await Refused(new(teamId, ScenarioId, Today, new string('n', AssignmentService.MaxNoteLength + 1)))).Keys);
        Assert.Contains("TeamId", (await Refused(new(Guid.NewGuid(), ScenarioId, Today, null))).Keys);
        Assert.Empty(await assignments.ListAsync());

        await assignments.CreateAsync(new AssignmentInput(teamId, ScenarioId, Today, null));
        Assert.Contains("ScenarioId", (await Refused(new(teamId, ScenarioId, Today.AddDays(2), null))).Keys); // already assigned
        Assert.Single(await assignments.ListAsync());
    }

    [Fact]
    public async Task Other_managers_learners_and_other_organisations_cannot_see_or_change_assignments()
    {
        Guid id;
        await using (var asManager = await Db.AsAsync(Org.Manager))
            id = await asManager.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(1), null));

        var otherManager = await Db.AddMemberAsync(Org.Id, OrgRole.Manager, "Other manager");
        await using (var asOther = await Db.AsAsync(otherManager))
        {
            var assignments = asOther.Get<AssignmentService>();
            Assert.Empty(await assignments.ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.CreateAsync(new AssignmentInput(teamId, ScenarioId, Today, null)));
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.DeleteAsync(id));
        }
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var assignments = asLearner.Get<AssignmentService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.CreateAsync(new AssignmentInput(teamId, ScenarioId, Today, null)));
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.DeleteAsync(id));
        }
        var globex = await Db.CreateOrganisationAsync("Globex");
        await using (var asGlobex = await Db.AsAsync(globex.Admin))
        {
            var assignments = asGlobex.Get<AssignmentService>();
            Assert.Empty(await assignments.ListAsync());
            Assert.Empty((await assignments.OptionsAsync()).Teams);
            Assert.DoesNotContain(await assignments.SearchPractisableAsync("Trial"), s => s.Id == ScenarioId);
            await Assert.ThrowsAsync<ForbiddenException>(() => assignments.DeleteAsync(id));
            Assert.Contains("TeamId", (await Assert.ThrowsAsync<ValidationFailedException>(() =>
                assignments.CreateAsync(new AssignmentInput(teamId, ScenarioId, Today, null)))).Errors.Keys);
        }
        // A learner outside the team sees nothing; the Admin may remove it.
        await using (var asOutsider = await Db.AsAsync(await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Outsider")))
            Assert.Empty(await asOutsider.Get<AssignmentService>().ListMineAsync());
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            await asAdmin.Get<AssignmentService>().DeleteAsync(id);
            Assert.Empty(await asAdmin.Get<AssignmentService>().ListAsync());
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Programs;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Programs;

public sealed class ProgramServiceTests : PracticeTestBase
{
    private Guid teamId;
    private Guid otherTeamId;
    private Account.ApplicationUser teammate = default!;
    private Account.ApplicationUser otherManager = default!;
    private DateOnly Today => DateOnly.FromDateTime(Db.Clock.GetUtcNow().UtcDateTime);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        teammate = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Teammate");
        otherManager = await Db.AddMemberAsync(Org.Id, OrgRole.Manager, "Other manager");
        var outsider = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Outsider");
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        teamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", Org.Manager.Id, [Org.Learner.Id, teammate.Id]));
        otherTeamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Openers", otherManager.Id, [outsider.Id]));
    }

    private ProgramInput ThreeDays(string name = "Objection week", UnlockRule unlock = UnlockRule.OnDate, int minScore = 0) =>
        new(name, "Three themed days", [
            new ProgramDayInput("Trial packs", [ScenarioId], minScore, unlock),
            new ProgramDayInput("Price objections", [ScenarioId], minScore, unlock),
            new ProgramDayInput("Closing", [ScenarioId], minScore, unlock),
        ]);

    private async Task PractiseAsync(Account.ApplicationUser who)
    {
        await using var asLearner = await Db.AsAsync(who);
        var practice = asLearner.Get<PracticeService>();
        await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
    }

    private async Task<MyProgram> MineAsync(Account.ApplicationUser who)
    {
        await using var scope = await Db.AsAsync(who);
        return Assert.Single(await scope.Get<EnrolmentService>().ListMineAsync());
    }

    private async Task<ProgramGrid> GridAsync(Guid enrolmentId)
    {
        await using var asManager = await Db.AsAsync(Org.Manager);
        return await asManager.Get<EnrolmentService>().GridAsync(enrolmentId);
    }

    private async Task<Guid> EnrolAsync(ProgramInput program, IReadOnlyList<string>? members = null)
    {
        await using var asManager = await Db.AsAsync(Org.Manager);
        var id = await asManager.Get<ProgramService>().CreateAsync(program);
        return await asManager.Get<EnrolmentService>().EnrolAsync(new EnrolmentInput(id, teamId, Today, members));
    }

    [Fact]
    public async Task A_team_goes_through_the_days_with_done_missed_and_late_on_the_learner_page_and_the_grid()
    {
        var enrolmentId = await EnrolAsync(ThreeDays());

        var mine = await MineAsync(Org.Learner);
        Assert.Equal("Day 1 of 3 — Trial packs", mine.Headline);
        Assert.Equal([DayStatus.DueToday, DayStatus.Locked, DayStatus.Locked], mine.Days.Select(d => d.Status));

        Db.Clock.Advance(TimeSpan.FromHours(1));
        await PractiseAsync(Org.Learner);
        mine = await MineAsync(Org.Learner);
        Assert.Equal(DayStatus.Done, mine.Days[0].Status);
        Assert.Equal(1, mine.Done);
        var grid = await GridAsync(enrolmentId);
        Assert.Equal(["Learner of Acme", "Teammate"], grid.Rows.Select(r => r.Name));
        Assert.Equal([DayStatus.Done, DayStatus.Locked, DayStatus.Locked], grid.Rows[0].Days.Select(d => d.Status));
        Assert.Equal([DayStatus.DueToday, DayStatus.Locked, DayStatus.Locked], grid.Rows[1].Days.Select(d => d.Status));
        Assert.NotNull(grid.Rows[0].Days[0].Score);

        // Day 2: the teammate has missed day 1; nobody practises day 2.
        Db.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("Day 2 of 3 — Price objections", (await MineAsync(Org.Learner)).Headline);
        var teammates = await MineAsync(teammate);
        Assert.Equal([DayStatus.Missed, DayStatus.DueToday, DayStatus.Locked], teammates.Days.Select(d => d.Status));

        // Day 3: the learner catches up on day 2, late.
        Db.Clock.Advance(TimeSpan.FromDays(1));
        await PractiseAsync(Org.Learner);
        mine = await MineAsync(Org.Learner);
        Assert.Equal([DayStatus.Done, DayStatus.Late, DayStatus.DueToday], mine.Days.Select(d => d.Status));
        Assert.Equal("Day 3 of 3 — Closing", mine.Headline);

        // The one list of assigned work: the program's day due today, and an assignment beside it.
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await asManager.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(2), null));
        await using (var asTeammate = await Db.AsAsync(teammate))
        {
            var work = await asTeammate.Get<AssignedWork>().ListMineAsync();
            Assert.Equal([(WorkKind.ProgramDay, AssignmentState.Overdue), (WorkKind.ProgramDay, AssignmentState.Overdue),
                (WorkKind.ProgramDay, AssignmentState.Due), (WorkKind.Assignment, AssignmentState.Due)], work.Select(w => (w.Kind, w.State)));
            Assert.Equal("Day 1 of 3 — Trial packs", work[0].Title);
        }

        var export = EnrolmentService.Table(await GridAsync(enrolmentId));
        Assert.Equal(5, export.Columns.Count);
        var rows = await export.Rows.ToListAsync();
        Assert.StartsWith("Done ", (string)rows[0][1]!);
        Assert.StartsWith("Late ", (string)rows[0][2]!);
        Assert.Equal(["Teammate", "Missed", "Missed", "Due today", 0], rows[1]);

        // A week after the program's last day, its missed days leave the list; the program page keeps them.
        Db.Clock.Advance(TimeSpan.FromDays(AssignedWork.CatchUpDays + 1));
        await using (var asTeammate = await Db.AsAsync(teammate))
        {
            Assert.Equal([WorkKind.Assignment], (await asTeammate.Get<AssignedWork>().ListMineAsync()).Select(w => w.Kind));
            Assert.Equal(3, (await asTeammate.Get<EnrolmentService>().GetMineAsync(enrolmentId)).Missed.Count());
        }
    }

    [Fact]
    public async Task A_self_paced_program_opens_the_next_day_once_the_previous_is_done()
    {
        await EnrolAsync(ThreeDays("Self-paced", UnlockRule.AfterPreviousDone));
        Assert.Equal([DayStatus.DueToday, DayStatus.Locked, DayStatus.Locked], (await MineAsync(Org.Learner)).Days.Select(d => d.Status));
        Db.Clock.Advance(TimeSpan.FromMinutes(5));
        await PractiseAsync(Org.Learner);
        var mine = await MineAsync(Org.Learner);
        Assert.Equal([DayStatus.Done, DayStatus.Upcoming, DayStatus.Locked], mine.Days.Select(d => d.Status));
        Assert.Equal("Opens when day 2 is done", mine.Days[2].LockedBecause);
        Db.Clock.Advance(TimeSpan.FromMinutes(5));
        await PractiseAsync(Org.Learner);
        Assert.Equal([DayStatus.Done, DayStatus.Done, DayStatus.Upcoming], (await MineAsync(Org.Learner)).Days.Select(d => d.Status));
    }

    [Fact]
    public async Task Late_depends_on_the_learners_time_zone()
    {
        // The clock is 09:00 UTC on 2 November. Day 1 is done at 03:00 UTC the next morning: still the 2nd in New York.
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            await context.Users.Where(u => u.Id == teammate.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "America/New_York"));
            await context.Users.Where(u => u.Id == Org.Learner.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Europe/London"));
        }
        var enrolmentId = await EnrolAsync(ThreeDays(minScore: 0));
        Db.Clock.Now = new DateTimeOffset(2026, 11, 3, 3, 0, 0, TimeSpan.Zero);
        await PractiseAsync(Org.Learner);
        await PractiseAsync(teammate);
        var grid = await GridAsync(enrolmentId);
        Assert.Equal(DayStatus.Late, grid.Rows.Single(r => r.LearnerId == Org.Learner.Id).Days[0].Status);
        Assert.Equal(DayStatus.Done, grid.Rows.Single(r => r.LearnerId == teammate.Id).Days[0].Status);
    }

    [Fact]
    public async Task Chosen_members_only_are_enrolled_and_an_enrolment_keeps_the_days_and_versions_it_started_with()
    {
        int? live;
        await using (var context = await Db.OpenUnfilteredAsync())
            live = await context.Scenarios.Where(s => s.Id == ScenarioId).Select(s => s.LiveVersion).SingleAsync();
        var enrolmentId = await EnrolAsync(ThreeDays("Chosen"), [teammate.Id]);
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            Assert.Empty(await asLearner.Get<EnrolmentService>().ListMineAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<EnrolmentService>().GetMineAsync(enrolmentId));
        }
        Assert.Equal(["Teammate"], (await GridAsync(enrolmentId)).Rows.Select(r => r.Name));

        await using var asManager = await Db.AsAsync(Org.Manager);
        var programs = asManager.Get<ProgramService>();
        var programId = (await programs.ListAsync()).Single().Id;
        await programs.UpdateAsync(programId, ThreeDays("Chosen") with { Days = [new ProgramDayInput("Only one now", [ScenarioId], 50, UnlockRule.OnDate)] });
        var detail = await programs.GetAsync(programId);
        Assert.Equal((2, 1), (detail.Version, detail.Days.Count));
        Assert.Equal(1, Assert.Single(detail.Enrolments).ProgramVersion);
        Assert.Equal(3, (await GridAsync(enrolmentId)).Days.Count);
        await using var context2 = await Db.OpenUnfilteredAsync();
        var enrolment = await context2.ProgramEnrolments.SingleAsync(e => e.Id == enrolmentId);
        Assert.Equal([new PinnedScenario(ScenarioId, live)], enrolment.Pins);
        Assert.NotNull(live);
    }

    [Fact]
    public async Task Bad_programs_are_refused_at_their_fields_and_nothing_is_written()
    {
        int draft;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
            draft = await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Unpublished draft", phases: 2));
        await using var asManager = await Db.AsAsync(Org.Manager);
        var programs = asManager.Get<ProgramService>();
        async Task<IReadOnlyDictionary<string, string[]>> Refused(ProgramInput input) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => programs.CreateAsync(input))).Errors;

        Assert.Contains("Name", (await Refused(ThreeDays(" "))).Keys);
        Assert.Contains("Name", (await Refused(ThreeDays(new string('n', 101)))).Keys);
        Assert.Contains("Days", (await Refused(ThreeDays() with { Days = [] })).Keys);
        var sixtyOne = Enumerable.Range(0, 61).Select(i => new ProgramDayInput($"Day {i}", [ScenarioId], 0, UnlockRule.OnDate)).ToList();
        Assert.Contains("Days", (await Refused(ThreeDays() with { Days = sixtyOne })).Keys);
        Assert.Equal(["Days[0].MinScore", "Days[0].ScenarioIds", "Days[0].Theme", "Days[1].ScenarioIds", "Days[2].Unlock"],
            (await Refused(ThreeDays() with
            {
                Days = [new ProgramDayInput("", [], 101, UnlockRule.OnDate), new ProgramDayInput("Draft", [draft], 50, UnlockRule.OnDate),
                    new ProgramDayInput("Odd", [ScenarioId], 50, (UnlockRule)7)],
            })).Keys.Order());
        await programs.CreateAsync(ThreeDays("Taken"));
        Assert.Contains("Name", (await Refused(ThreeDays("Taken"))).Keys);
        Assert.Single(await programs.ListAsync());

        // Enrolment input.
        var id = (await programs.ListAsync()).Single().Id;
        var enrolments = asManager.Get<EnrolmentService>();
        async Task<IReadOnlyDictionary<string, string[]>> RefusedEnrol(EnrolmentInput input) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => enrolments.EnrolAsync(input))).Errors;
        Assert.Contains("StartOn", (await RefusedEnrol(new EnrolmentInput(id, teamId, null, null))).Keys);
        Assert.Contains("StartOn", (await RefusedEnrol(new EnrolmentInput(id, teamId, Today.AddDays(-8), null))).Keys);
        Assert.Contains("MemberIds", (await RefusedEnrol(new EnrolmentInput(id, teamId, Today, [Org.Reviewer.Id]))).Keys);
        Assert.Contains("ProgramId", (await RefusedEnrol(new EnrolmentInput(Guid.NewGuid(), teamId, Today, null))).Keys);
        await enrolments.EnrolAsync(new EnrolmentInput(id, teamId, Today, null));
        Assert.Contains("TeamId", (await RefusedEnrol(new EnrolmentInput(id, teamId, Today.AddDays(1), null))).Keys);
    }

    [Fact]
    public async Task Only_the_right_people_build_enrol_and_follow_and_nothing_crosses_organisations()
    {
        var enrolmentId = await EnrolAsync(ThreeDays());
        Guid programId;
        await using (var asManager = await Db.AsAsync(Org.Manager))
            programId = (await asManager.Get<ProgramService>().ListAsync()).Single().Id;

        // Content managers build programs but give them to no team; learners and reviewers do neither.
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            await asCreator.Get<ProgramService>().CreateAsync(ThreeDays("Written by content"));
            var enrol = new EnrolmentInput(programId, teamId, Today, null);
            await Assert.ThrowsAsync<ForbiddenException>(() => asCreator.Get<EnrolmentService>().EnrolAsync(enrol));
            await Assert.ThrowsAsync<ForbiddenException>(() => asCreator.Get<EnrolmentService>().GridAsync(enrolmentId));
        }
        foreach (var who in new[] { Org.Learner, Org.Reviewer })
        {
            await using var scope = await Db.AsAsync(who);
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<ProgramService>().CreateAsync(ThreeDays("Not mine to build")));
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<ProgramService>().ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<EnrolmentService>().GridAsync(enrolmentId));
        }

        // Another team's manager neither enrols this team nor sees its grid, nor removes its enrolment.
        await using (var asOther = await Db.AsAsync(otherManager))
        {
            var enrolments = asOther.Get<EnrolmentService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => enrolments.EnrolAsync(new EnrolmentInput(programId, teamId, Today, null)));
            await Assert.ThrowsAsync<ForbiddenException>(() => enrolments.GridAsync(enrolmentId));
            await Assert.ThrowsAsync<ForbiddenException>(() => enrolments.RemoveAsync(enrolmentId));
            Assert.Empty((await asOther.Get<ProgramService>().GetAsync(programId)).Enrolments);
            await enrolments.EnrolAsync(new EnrolmentInput(programId, otherTeamId, Today, null));
        }

        // Another organisation sees none of it.
        var elsewhere = await Db.CreateOrganisationAsync("Elsewhere");
        await using (var asStranger = await Db.AsAsync(elsewhere.Admin))
        {
            Assert.Empty(await asStranger.Get<ProgramService>().ListAsync());
            await Assert.ThrowsAsync<ForbiddenException>(() => asStranger.Get<ProgramService>().GetAsync(programId));
            await Assert.ThrowsAsync<ForbiddenException>(() => asStranger.Get<ProgramService>().UpdateAsync(programId, ThreeDays("Hijack")));
            await Assert.ThrowsAsync<ForbiddenException>(() => asStranger.Get<EnrolmentService>().GridAsync(enrolmentId));
            await Assert.ThrowsAsync<ForbiddenException>(() => asStranger.Get<EnrolmentService>().RemoveAsync(enrolmentId));
        }
        await using (var asStrangerLearner = await Db.AsAsync(elsewhere.Learner))
            await Assert.ThrowsAsync<ForbiddenException>(() => asStrangerLearner.Get<EnrolmentService>().GetMineAsync(enrolmentId));

        // The program's own manager removes the enrolment.
        await using var asManager2 = await Db.AsAsync(Org.Manager);
        await asManager2.Get<EnrolmentService>().RemoveAsync(enrolmentId);
        await Assert.ThrowsAsync<ForbiddenException>(() => asManager2.Get<EnrolmentService>().GridAsync(enrolmentId));
    }

    [Fact]
    public async Task Each_organisation_gets_a_ten_day_program_per_domain_built_from_published_library_scenarios()
    {
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            await Db.Services.GetRequiredService<ScenarioLibrary>().SeedAsync(context, Org.Id, Org.Admin.Id);
            await Db.Services.GetRequiredService<ScenarioLibrary>().SeedAsync(context, Org.Id, Org.Admin.Id); // once only
        }
        await using var asManager = await Db.AsAsync(Org.Manager);
        var programs = asManager.Get<ProgramService>();
        var rows = await programs.ListAsync();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(10, r.Days));
        Assert.Contains(rows, r => r.Name.StartsWith("Sales objection handling", StringComparison.Ordinal));
        var published = (await asManager.Get<ProgramService>().SearchScenariosAsync("")).Count;
        Assert.True(published > 0);
        foreach (var row in rows)
        {
            var detail = await programs.GetAsync(row.Id);
            Assert.All(detail.Days, d => Assert.NotEmpty(d.Theme));
            Assert.Equal(10, detail.Days.Select(d => d.Theme).Distinct().Count());
            await using var context = await Db.OpenUnfilteredAsync();
            var ids = detail.Days.SelectMany(d => d.Scenarios).Select(s => s.Id).Distinct().ToList();
            Assert.Equal(ids.Count, await context.Scenarios.Where(s => ids.Contains(s.Id) && s.OrganisationId == Org.Id).OpenToLearners().CountAsync());
        }
        // A seeded program goes to a team like any other.
        await asManager.Get<EnrolmentService>().EnrolAsync(new EnrolmentInput(rows[0].Id, teamId, Today, null));
    }
}

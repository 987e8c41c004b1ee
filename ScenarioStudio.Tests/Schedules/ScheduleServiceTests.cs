using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Schedules;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Schedules;

public sealed class ScheduleServiceTests : PracticeTestBase
{
    private Guid teamId, otherTeamId;
    private Account.ApplicationUser teammate = default!, otherManager = default!;
    private static readonly SlotInput MonWedLondon = new(PracticeDays.Monday | PracticeDays.Wednesday, new TimeOnly(9, 0), "Europe/London", 30);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        teammate = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Teammate");
        otherManager = await Db.AddMemberAsync(Org.Id, OrgRole.Manager, "Other manager");
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        teamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", Org.Manager.Id, [Org.Learner.Id, teammate.Id]));
        otherTeamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Openers", otherManager.Id, []));
    }

    [Fact]
    public async Task The_teams_manager_adds_and_removes_practice_times_and_each_field_is_checked()
    {
        await using var asManager = await Db.AsAsync(Org.Manager);
        var schedules = asManager.Get<ScheduleService>();
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            schedules.AddSlotAsync(teamId, new SlotInput(PracticeDays.None, null, "Europe/Narnia", 241)));
        Assert.Equal(["Days", "DurationMinutes", "StartTime", "TimeZone"], refused.Errors.Keys.Order());
        Assert.Contains("time zone", refused.Errors["TimeZone"][0]);
        Assert.Contains("5 to 240 minutes", refused.Errors["DurationMinutes"][0]);
        await Assert.ThrowsAsync<ValidationFailedException>(() => schedules.AddSlotAsync(teamId, MonWedLondon with { DurationMinutes = 4 }));
        await Assert.ThrowsAsync<ValidationFailedException>(() => schedules.AddSlotAsync(teamId, MonWedLondon with { TimeZone = "GMT Standard Time" }));

        var id = await schedules.AddSlotAsync(teamId, MonWedLondon);
        await schedules.AddSlotAsync(teamId, new SlotInput(PracticeDays.Friday, new TimeOnly(16, 30), "America/New_York", 45));
        var slots = await schedules.ListAsync(teamId);
        Assert.Equal(["Mon, Wed 09:00–09:30 (Europe/London)", "Fri 16:30–17:15 (America/New_York)"], slots.Select(s => s.Describe()));

        await schedules.RemoveSlotAsync(id);
        Assert.Equal([PracticeDays.Friday], (await schedules.ListAsync(teamId)).Select(s => s.Days));
        await using var context = await Db.OpenUnfilteredAsync();
        Assert.Equal(3, await context.AuditEntries.CountAsync(a => a.Summary.Contains("practice time"))); // two added, one removed
    }

    [Fact]
    public async Task Only_an_Admin_or_the_teams_own_manager_may_set_its_times_and_nothing_crosses_organisations()
    {
        Guid slotId;
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            slotId = await asAdmin.Get<ScheduleService>().AddSlotAsync(teamId, MonWedLondon);

        // The manager of another team: neither reads, adds, removes, nor sees the team's attendance.
        await using (var asOther = await Db.AsAsync(otherManager))
        {
            var schedules = asOther.Get<ScheduleService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.ListAsync(teamId));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.AddSlotAsync(teamId, MonWedLondon));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.RemoveSlotAsync(slotId));
            Assert.Empty(await schedules.TeamAttendanceAsync());
            await schedules.AddSlotAsync(otherTeamId, MonWedLondon); // their own team: allowed
        }
        // A learner of the team, and a content manager.
        foreach (var member in new[] { Org.Learner, Org.ContentManager })
        {
            await using var asMember = await Db.AsAsync(member);
            var schedules = asMember.Get<ScheduleService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.AddSlotAsync(teamId, MonWedLondon));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.RemoveSlotAsync(slotId));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.TeamAttendanceAsync());
        }
        // Another organisation's Admin: the team and the slot do not exist for them.
        var other = await Db.CreateOrganisationAsync("Globex");
        await using (var asOtherAdmin = await Db.AsAsync(other.Admin))
        {
            var schedules = asOtherAdmin.Get<ScheduleService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.ListAsync(teamId));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.AddSlotAsync(teamId, MonWedLondon));
            await Assert.ThrowsAsync<ForbiddenException>(() => schedules.RemoveSlotAsync(slotId));
            Assert.Empty(await schedules.TeamAttendanceAsync());
            Assert.False((await schedules.MineAsync()).InScheduledTeam);
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            Assert.Single(await asAdmin.Get<ScheduleService>().ListAsync(teamId));
        await using (var asLearner = await Db.AsAsync(Org.Learner))
            Assert.True((await asLearner.Get<ScheduleService>().MineAsync()).InScheduledTeam);
    }

    [Fact]
    public async Task A_learner_in_Tokyo_sees_the_London_practice_in_their_time_and_the_manager_sees_who_attended()
    {
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            await context.Users.Where(u => u.Id == Org.Learner.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Asia/Tokyo"));
        }
        Db.Clock.Now = Utc(11, 2, 6, 46); // Monday 2 November, 06:46 in London
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await asManager.Get<ScheduleService>().AddSlotAsync(teamId, MonWedLondon);

        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var mine = await asLearner.Get<ScheduleService>().MineAsync();
            Assert.Equal(("Asia/Tokyo", "Closers"), (mine.TimeZone, mine.Next!.Team));
            Assert.Equal((new DateTime(2026, 11, 2, 18, 0, 0), new DateTime(2026, 11, 2, 18, 30, 0)), (mine.Next.LocalStart, mine.Next.LocalEnd));
            Assert.Equal("in 2 h 14 min", ScheduleText.Countdown(mine.Next.Start, mine.Next.End, Db.Clock.Now));
            Assert.Empty(mine.Recent);

            // Monday: practised at 18:10 Tokyo time, inside the window. Wednesday: at 21:00, late. The Monday after: not at all.
            var practice = asLearner.Get<PracticeService>();
            Db.Clock.Now = Utc(11, 2, 9, 10);
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
            Db.Clock.Now = Utc(11, 4, 12, 0);
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }

        Db.Clock.Now = Utc(11, 9, 10, 0);
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var mine = await asLearner.Get<ScheduleService>().MineAsync();
            Assert.Equal([(new DateTime(2026, 11, 9, 18, 0, 0), Attendance.Missed), (new DateTime(2026, 11, 4, 18, 0, 0), Attendance.Late),
                (new DateTime(2026, 11, 2, 18, 0, 0), Attendance.OnTime)], mine.Recent.Select(r => (r.LocalStart, r.Status)));
            Assert.Equal(new DateTime(2026, 11, 11, 18, 0, 0), mine.Next!.LocalStart);
        }
        await using (var asManager = await Db.AsAsync(Org.Manager))
        {
            var team = Assert.Single(await asManager.Get<ScheduleService>().TeamAttendanceAsync());
            Assert.Equal([new DateTime(2026, 11, 2, 9, 0, 0), new DateTime(2026, 11, 4, 9, 0, 0), new DateTime(2026, 11, 9, 9, 0, 0)], team.Sessions);
            var byName = team.Members.ToDictionary(m => m.Name, m => m.Sessions);
            Assert.Equal([Attendance.OnTime, Attendance.Late, Attendance.Missed], byName[Org.Learner.DisplayName]);
            Assert.Equal([Attendance.Missed, Attendance.Missed, Attendance.Missed], byName["Teammate"]);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Progress;

public sealed class AssignmentNotificationTests : PracticeTestBase
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
    public async Task Assigning_a_scenario_notifies_the_team_in_the_same_transaction()
    {
        var announced = new List<string>();
        using var subscription = Db.Services.GetRequiredService<ILiveEvents<NotificationsChanged>>().Subscribe(e => announced.Add(e.UserId));
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await asManager.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(3), "Before Friday"));
        Assert.Equal(new[] { Org.Learner.Id, teammate.Id }.Order(), announced.Order());

        await using var asLearner = await Db.AsAsync(Org.Learner);
        var item = Assert.Single((await asLearner.Get<NotificationService>().LatestAsync()).Latest);
        Assert.Equal((NotificationKind.AssignmentGiven, "New assignment: Trial pack objection", $"/scenarios/{ScenarioId}"),
            (item.Kind, item.Title, item.Link));
        Assert.Contains("Closers", item.Body);
        Assert.Contains("Before Friday", item.Body);

        // A refused assignment (already assigned) leaves no notification behind.
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await Assert.ThrowsAsync<ValidationFailedException>(() =>
                asManager.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(4), null)));
        Assert.Equal(1, await asLearner.Get<NotificationService>().UnreadCountAsync());
    }

    [Fact]
    public async Task Due_tomorrow_is_sent_once_per_learner_even_across_restarts()
    {
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await asManager.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, Today.AddDays(2), null));
        var reminders = Db.Services.GetRequiredService<AssignmentReminders>();

        Assert.Equal(0, await reminders.SendDueTomorrowAsync()); // due the day after tomorrow: not yet
        Db.Clock.Advance(TimeSpan.FromDays(1));
        // The teammate has done it already: only the other learner is reminded.
        await using (var asTeammate = await Db.AsAsync(teammate))
        {
            var practice = asTeammate.Get<ScenarioStudio.Practice.PracticeService>();
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }
        Assert.Equal(1, await reminders.SendDueTomorrowAsync());
        Assert.Equal(0, await reminders.SendDueTomorrowAsync());
        // A fresh instance (as after a restart) finds the markers and sends nothing again.
        var restarted = ActivatorUtilities.CreateInstance<AssignmentReminders>(Db.Services);
        Assert.Equal(0, await restarted.SendDueTomorrowAsync());

        await using var context = await Db.OpenUnfilteredAsync();
        var due = await context.Notifications.Where(n => n.Kind == NotificationKind.AssignmentDueTomorrow).ToListAsync();
        Assert.Equal(Org.Learner.Id, Assert.Single(due).UserId);
        Assert.Equal("Due tomorrow: Trial pack objection", due[0].Title);
    }
}

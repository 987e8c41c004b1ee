using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Notifications;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Notifications;

public sealed class NotificationServiceTests : OrganisationTestBase
{
    [Fact]
    public async Task A_member_reads_and_marks_only_their_own_notifications()
    {
        var other = await db.CreateOrganisationAsync("Globex");
        var announced = new List<string>();
        using var subscription = db.Services.GetRequiredService<ILiveEvents<NotificationsChanged>>().Subscribe(e => announced.Add(e.UserId));
        await SendAsync(org.Id, org.Learner, NotificationKind.AssignmentGiven, "New assignment: Refunds", "/scenarios/1");
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        var mentionId = await SendAsync(org.Id, org.Learner, NotificationKind.Mentioned, "Ada mentioned you", "/scenarios/2?comments=3");
        var reviewersId = await SendAsync(org.Id, org.Reviewer, NotificationKind.ReviewRequested, "Review requested", "/scenarios/3");
        var foreignId = await SendAsync(other.Id, other.Learner, NotificationKind.Published, "Published", "/scenarios/4");
        Assert.Equal([org.Learner.Id, org.Learner.Id, org.Reviewer.Id, other.Learner.Id], announced);

        await using (var asLearner = await db.AsAsync(org.Learner))
        {
            var notifications = asLearner.Get<NotificationService>();
            var summary = await notifications.LatestAsync();
            Assert.Equal(2, summary.Unread);
            Assert.Equal(["Ada mentioned you", "New assignment: Refunds"], summary.Latest.Select(n => n.Title));

            // Another member's or another organisation's notification is refused, and stays unread.
            await Assert.ThrowsAsync<ForbiddenException>(() => notifications.MarkReadAsync(reviewersId));
            await Assert.ThrowsAsync<ForbiddenException>(() => notifications.MarkReadAsync(foreignId));

            Assert.Equal("/scenarios/2?comments=3", await notifications.MarkReadAsync(mentionId));
            Assert.Equal(1, await notifications.UnreadCountAsync());
            Assert.True((await notifications.LatestAsync()).Latest.Single(n => n.Id == mentionId).IsRead);
            Assert.Equal(1, await notifications.MarkAllReadAsync());
            Assert.Equal(0, await notifications.UnreadCountAsync());
        }
        await using (var asReviewer = await db.AsAsync(org.Reviewer))
        {
            var page = await asReviewer.Get<NotificationService>().PageAsync(0, 20);
            Assert.Equal((1, 1), (page.Total, page.Unread));
            Assert.Equal(reviewersId, page.Items.Single().Id);
        }
        await using (var asForeign = await db.AsAsync(other.Learner))
            Assert.Equal(1, await asForeign.Get<NotificationService>().UnreadCountAsync());
    }

    [Fact]
    public async Task The_full_list_is_paged_newest_first()
    {
        for (var i = 0; i < 25; i++)
        {
            await SendAsync(org.Id, org.Admin, NotificationKind.Published, $"Published {i:00}", "/");
            db.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        await using var asAdmin = await db.AsAsync(org.Admin);
        var notifications = asAdmin.Get<NotificationService>();
        var first = await notifications.PageAsync(0, 10);
        var last = await notifications.PageAsync(2, 10);
        Assert.Equal((25, 25), (first.Total, first.Unread));
        Assert.Equal("Published 24", first.Items[0].Title);
        Assert.Equal(["Published 04", "Published 03", "Published 02", "Published 01", "Published 00"], last.Items.Select(n => n.Title));
    }

    [Theory]
    [InlineData("/scenarios/3", "/scenarios/3")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public void Links_stay_inside_the_app(string link, string expected) => Assert.Equal(expected, NotificationService.SafeLink(link));

    [Fact]
    public void Ages_read_as_words()
    {
        var now = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal("just now", NotificationLook.Age(now.AddSeconds(-20), now));
        Assert.Equal("5 min ago", NotificationLook.Age(now.AddMinutes(-5), now));
        Assert.Equal("3 h ago", NotificationLook.Age(now.AddHours(-3), now));
        Assert.Equal("yesterday", NotificationLook.Age(now.AddHours(-30), now));
        Assert.Equal("4 days ago", NotificationLook.Age(now.AddDays(-4), now));
        Assert.Equal("2 Oct", NotificationLook.Age(now.AddMonths(-1), now));
    }

    private async Task<long> SendAsync(Guid organisationId, ApplicationUser to, NotificationKind kind, string title, string link)
    {
        await using var scope = db.Services.CreateAsyncScope();
        var notifier = scope.ServiceProvider.GetRequiredService<Notifier>();
        await using var context = await db.OpenUnfilteredAsync();
        notifier.Add(context, organisationId, [to.Id], kind, title, "", link);
        await context.SaveChangesAsync();
        notifier.Announce();
        return context.Notifications.Local.Single().Id;
    }
}

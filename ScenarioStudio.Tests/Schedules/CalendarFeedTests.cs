using System.Net;
using Ical.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Schedules;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Schedules;

/// <summary>The calendar feed fetched over HTTP from the whole app, parsed back with Ical.Net and compared with <see cref="PracticeWindows"/>.</summary>
public sealed class CalendarFeedTests : IDisposable
{
    // 20 March 2026: the feed's two weeks back reach New York's change (8 March), its twelve weeks ahead London's (29 March).
    private readonly TestClock clock = new() { Now = new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero) };
    private readonly TestApp app;

    public CalendarFeedTests() => app = new TestApp(configure: web => web.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task The_feed_lists_the_learners_team_practices_as_PracticeWindows_computes_them_and_a_replaced_address_is_gone()
    {
        _ = app.Server;
        ApplicationUser admin, learner;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("admin@feed.test", "Ada Admin", TestPasswords.Good, "Feed Org", null));
            learner = new ApplicationUser
            {
                OrganisationId = admin.OrganisationId, Role = OrgRole.Learner, DisplayName = "Lee Learner", TimeZone = "Asia/Tokyo",
                UserName = "learner@feed.test", Email = "learner@feed.test", EmailConfirmed = true,
            };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(learner, TestPasswords.Good)).Succeeded);
        }
        // The slots are set up on 1 March (nothing is listed from before a slot existed), the feed read on the 20th.
        var readAt = clock.Now;
        Guid closers;
        clock.Now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var asAdmin = await AsAsync(admin))
        {
            var teams = asAdmin.Get<TeamService>();
            closers = await teams.CreateAsync(new TeamInput("Feed closers", null, [learner.Id]));
            var others = await teams.CreateAsync(new TeamInput("Not my team", null, []));
            var schedules = asAdmin.Get<ScheduleService>();
            await schedules.AddSlotAsync(closers, new SlotInput(PracticeDays.Weekdays, new TimeOnly(9, 0), "Europe/London", 30));
            await schedules.AddSlotAsync(closers, new SlotInput(PracticeDays.Sunday, new TimeOnly(2, 30), "America/New_York", 60));
            await schedules.AddSlotAsync(others, new SlotInput(PracticeDays.Weekdays, new TimeOnly(10, 0), "Europe/London", 30));
        }

        clock.Now = readAt;
        string token;
        await using (var asLearner = await AsAsync(learner))
        {
            var feeds = asLearner.Get<CalendarFeedService>();
            Assert.Null(await feeds.CreatedAtAsync());
            token = await feeds.CreateAsync();
            Assert.Equal(clock.Now, await feeds.CreatedAtAsync());
        }
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        // Only the token's hash is stored.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var stored = await (await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync()).Set<CalendarFeed>().SingleAsync();
            Assert.Equal(CalendarFeedService.Hash(token), stored.TokenHash);
            Assert.DoesNotContain(token, stored.TokenHash);
        }

        var client = app.NewClient(handleCookies: false); // no sign-in: calendar apps have none
        var response = await client.GetAsync(CalendarFeedService.PathFor(token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;

        List<SlotRule> rules;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync();
            rules = [.. await ScheduleService.RulesForTeamAsync(db, closers)];
            Assert.Equal(2, rules.Count);
        }
        var expected = PracticeWindows.Occurrences(rules, clock.Now.AddDays(-CalendarFeedService.DaysBack), clock.Now.AddDays(CalendarFeedService.DaysAhead))
            .Select(o => (o.Start.UtcDateTime, o.End.UtcDateTime)).ToList();
        var events = calendar.Events.OrderBy(e => e.DtStart!.AsUtc).ToList();
        Assert.Equal(expected, events.Select(e => (e.DtStart!.AsUtc, e.DtEnd!.AsUtc)));
        Assert.True(expected.Count > 60);
        Assert.All(events, e => Assert.Equal("Practice: Feed closers", e.Summary));
        Assert.All(events, e => Assert.Contains("http://localhost/", e.Description));
        Assert.Equal(events.Count, events.Select(e => e.Uid).Distinct().Count());
        // Across the changes: 09:00 London is 09:00Z before 29 March and 08:00Z after; New York's 02:30 on 8 March is 07:30Z.
        Assert.Contains(events, e => e.DtStart!.AsUtc == new DateTime(2026, 3, 27, 9, 0, 0));
        Assert.Contains(events, e => e.DtStart!.AsUtc == new DateTime(2026, 3, 30, 8, 0, 0));
        Assert.Contains(events, e => e.DtStart!.AsUtc == new DateTime(2026, 3, 8, 7, 30, 0));

        // A new address revokes the old one; turning the feed off revokes the new one. Made-up tokens are not found.
        string replaced;
        await using (var asLearner = await AsAsync(learner))
            replaced = await asLearner.Get<CalendarFeedService>().CreateAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(CalendarFeedService.PathFor(token))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(CalendarFeedService.PathFor(replaced))).StatusCode);
        await using (var asLearner = await AsAsync(learner))
        {
            await asLearner.Get<CalendarFeedService>().RevokeAsync();
            Assert.Null(await asLearner.Get<CalendarFeedService>().CreatedAtAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(CalendarFeedService.PathFor(replaced))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(CalendarFeedService.PathFor(new string('A', 43)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/calendar/not-a-token.ics")).StatusCode);
    }

    private async Task<AsUser> AsAsync(ApplicationUser user)
    {
        var scope = app.Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return new AsUser(scope);
    }
}

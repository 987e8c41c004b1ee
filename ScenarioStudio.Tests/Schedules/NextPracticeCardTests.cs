using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScenarioStudio.Organisations;
using ScenarioStudio.Schedules;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Schedules;

/// <summary>The Home card over the real services: its countdown moves with the clock, and the next practice follows once one ends.</summary>
public sealed class NextPracticeCardTests : MudTestContext
{
    // Monday 2 November 2026, 06:46 UTC (= London).
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 2, 6, 46, 0, TimeSpan.Zero));
    private readonly TestDatabase db;
    private AsUser asLearner = default!;

    public NextPracticeCardTests() => db = new TestDatabase { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };

    public override async Task InitializeAsync()
    {
        await db.InitializeAsync();
        var org = await db.CreateOrganisationAsync("Acme");
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var team = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", null, [org.Learner.Id]));
            await asAdmin.Get<ScheduleService>().AddSlotAsync(team,
                new SlotInput(PracticeDays.Monday | PracticeDays.Wednesday, new TimeOnly(9, 0), "Europe/London", 30));
        }
        asLearner = await db.AsAsync(org.Learner);
        Services.AddSingleton(asLearner.Get<ScheduleService>());
        Services.AddSingleton(asLearner.Get<CalendarFeedService>());
        Services.AddSingleton<TimeProvider>(clock);
    }

    protected override async Task AfterDisposeAsync()
    {
        await asLearner.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public void The_countdown_keeps_itself_current_and_moves_to_the_next_practice_when_one_ends()
    {
        var card = Render<NextPracticeCard>();
        card.WaitForAssertion(() => Assert.Contains("Next practice: Mon 2 Nov, 09:00 your time", card.Find("#next-practice").TextContent));
        Assert.Equal("in 2 h 14 min", card.Find("#next-practice-countdown").TextContent);

        clock.Advance(TimeSpan.FromSeconds(40));
        card.WaitForAssertion(() => Assert.Equal("in 2 h 13 min", card.Find("#next-practice-countdown").TextContent));

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 9, 10, 0, TimeSpan.Zero));
        clock.Advance(TimeSpan.FromSeconds(20));
        card.WaitForAssertion(() => Assert.Equal("on now, ends in 20 min", card.Find("#next-practice-countdown").TextContent));

        // Past the end, Monday's practice is missed and Wednesday's is next.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 9, 40, 0, TimeSpan.Zero));
        clock.Advance(TimeSpan.FromSeconds(20));
        card.WaitForAssertion(() => Assert.Contains("Wed 4 Nov, 09:00", card.Find("#next-practice").TextContent));
        Assert.Contains("Mon 2 Nov · Missed", card.Find("#my-attendance").TextContent);
    }
}

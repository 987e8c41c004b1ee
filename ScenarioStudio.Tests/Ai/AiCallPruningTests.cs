using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Ai;

/// <summary>Calls to a real provider are counted for the limits (the offline engine's are not) and pruned after a day.</summary>
public sealed class AiCallPruningTests : OrganisationTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // A provider that costs money: opening the gate builds its client but calls nothing.
        await using var context = await db.OpenUnfilteredAsync();
        context.AiSettings.Add(new OrganisationAiSettings
        {
            OrganisationId = org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = "http://127.0.0.1:9", Model = "m",
        });
        await context.SaveChangesAsync();
    }

    [Fact]
    public async Task Calls_older_than_the_longest_limit_window_are_deleted_when_a_call_is_recorded_at_most_every_ten_minutes()
    {
        var globex = await db.CreateOrganisationAsync("Globex");
        var now = db.Clock.GetUtcNow();
        await AddCallsAsync(org.Id, org.Learner.Id, 30, now.AddDays(-3));
        await AddCallsAsync(globex.Id, globex.Learner.Id, 20, now - AiGate.LongestWindow); // exactly a day: no limit counts it
        await AddCallsAsync(org.Id, org.Learner.Id, 5, now.AddHours(-23)); // still counted by the daily limits

        await OpenGateAsync();
        Assert.Equal(6, await CountAsync()); // the five of the last day and the call just made

        // Within ten minutes of that prune, calls are recorded without another; after them, the next call prunes again.
        await AddCallsAsync(globex.Id, globex.Learner.Id, 10, now.AddDays(-2));
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        await OpenGateAsync();
        Assert.Equal(17, await CountAsync());
        db.Clock.Advance(AiCallPruning.Interval);
        await OpenGateAsync();
        Assert.Equal(8, await CountAsync());
    }

    [Fact]
    public async Task The_daily_limit_still_counts_the_calls_of_the_last_day_after_a_prune()
    {
        await using (var context = await db.OpenUnfilteredAsync())
        {
            (await context.AiSettings.SingleAsync(s => s.OrganisationId == org.Id)).UserCallsPerDay = 3;
            await context.SaveChangesAsync();
        }
        var now = db.Clock.GetUtcNow();
        await AddCallsAsync(org.Id, org.Learner.Id, 50, now.AddDays(-2));
        await AddCallsAsync(org.Id, org.Learner.Id, 2, now.AddHours(-2));
        await OpenGateAsync();
        var ex = await Assert.ThrowsAsync<AiProviderException>(OpenGateAsync);
        Assert.Contains("limit for today", ex.Message);
        Assert.Equal(3, await CountAsync());
    }

    private async Task OpenGateAsync()
    {
        await using var asLearner = await db.AsAsync(org.Learner);
        var caller = await asLearner.Get<CurrentUser>().GetAsync();
        await asLearner.Get<AiGate>().OpenAsync(caller, CancellationToken.None);
    }

    private async Task AddCallsAsync(Guid organisationId, string userId, int count, DateTimeOffset at)
    {
        await using var context = await db.OpenUnfilteredAsync();
        context.AiCalls.AddRange(Enumerable.Range(0, count).Select(_ => new AiCall { OrganisationId = organisationId, UserId = userId, At = at }));
        await context.SaveChangesAsync();
    }

    private async Task<int> CountAsync()
    {
        await using var context = await db.OpenUnfilteredAsync();
        return await context.AiCalls.CountAsync();
    }
}

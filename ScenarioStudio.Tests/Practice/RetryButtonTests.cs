using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>Issue 14.4: after an AI limit, Retry counts down to the moment the limit allows the next call.</summary>
public sealed class RetryButtonTests : MudTestContext
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    public RetryButtonTests() => Services.AddSingleton<TimeProvider>(clock);

    [Fact]
    public async Task Retry_counts_down_to_the_limits_reset_and_is_pressed_only_then()
    {
        var retried = 0;
        var button = Render<RetryButton>(p => p.Add(b => b.RetryAt, clock.GetUtcNow().AddSeconds(3)).Add(b => b.OnRetry, () => retried++));

        Assert.Equal("Retry in 3 s", button.Find("#retry").TextContent.Trim());
        Assert.True(button.Find("#retry").HasAttribute("disabled"));
        clock.Advance(TimeSpan.FromSeconds(1));
        button.WaitForAssertion(() => Assert.Equal("Retry in 2 s", button.Find("#retry").TextContent.Trim()));
        clock.Advance(TimeSpan.FromSeconds(2));
        button.WaitForAssertion(() => Assert.Equal("Retry", button.Find("#retry").TextContent.Trim()));

        // The countdown runs on the renderer's dispatcher; the click is awaited so it is not judged before it is handled.
        await button.Find("#retry").ClickAsync(new());
        Assert.Equal(1, retried);
    }

    [Fact]
    public void Without_a_limit_Retry_can_be_pressed_at_once()
    {
        var button = Render<RetryButton>(p => p.Add(b => b.OnRetry, () => { }));
        Assert.Equal("Retry", button.Find("#retry").TextContent.Trim());
        Assert.False(button.Find("#retry").HasAttribute("disabled"));
    }
}

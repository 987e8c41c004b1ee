using Microsoft.Extensions.Time.Testing;
using ScenarioStudio.Components;

namespace ScenarioStudio.Tests.Components;

/// <summary>The builder's autosave delay, on a fake clock.</summary>
public sealed class DebouncerTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider clock = new();

    [Fact]
    public async Task Only_the_last_of_a_burst_fires_after_the_quiet_period()
    {
        using var debouncer = new Debouncer(Delay, clock);
        var first = debouncer.WaitAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = debouncer.WaitAsync(CancellationToken.None);
        Assert.False(await first);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(await second);
    }

    [Fact]
    public async Task A_cancelled_wait_or_a_page_that_went_away_never_fires()
    {
        using var debouncer = new Debouncer(Delay, clock);
        var saved = debouncer.WaitAsync(CancellationToken.None);
        debouncer.Cancel();
        Assert.False(await saved);

        using var page = new CancellationTokenSource();
        var left = debouncer.WaitAsync(page.Token);
        await page.CancelAsync();
        clock.Advance(Delay);
        Assert.False(await left);
    }
}

using Microsoft.Extensions.Time.Testing;
using ScenarioStudio.Components;

namespace ScenarioStudio.Tests.Components;

/// <summary>The live dashboard's reload throttle, on a fake clock: time moves only when the test says so.</summary>
public sealed class ReloadCoalescerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider clock = new();
    private readonly List<DateTimeOffset> reloads = [];

    private ReloadCoalescer Create(Action? duringReload = null) => new(Window, clock, () =>
    {
        reloads.Add(clock.GetUtcNow());
        duringReload?.Invoke();
    });

    [Fact]
    public void A_burst_of_ten_completions_is_one_reload_at_the_end_of_the_window()
    {
        using var coalescer = Create();
        for (var i = 0; i < 10; i++) coalescer.Request();
        Assert.True(coalescer.Pending);

        clock.Advance(Window - Tick);
        Assert.Empty(reloads);
        clock.Advance(Tick);
        Assert.Single(reloads);
        Assert.False(coalescer.Pending);

        clock.Advance(Window * 5);
        Assert.Single(reloads); // nothing changed since: nothing to load
    }

    [Fact]
    public void Completions_arriving_after_the_reload_bring_one_more_a_window_after_the_first_of_them()
    {
        using var coalescer = Create();
        var start = clock.GetUtcNow();
        coalescer.Request();
        clock.Advance(Window);
        Assert.Single(reloads);

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(Tick * 2);
            coalescer.Request(); // at 1.2 s, 1.4 s and 1.6 s
        }
        clock.Advance(Tick * 5);
        Assert.Single(reloads);
        clock.Advance(Tick);
        Assert.Equal([start + Window, start + Window + Tick * 2 + Window], reloads);
    }

    [Fact]
    public void A_completion_while_the_reload_runs_is_not_absorbed_into_it()
    {
        // The reload may already have read the figures: a change during it needs a reload of its own.
        ReloadCoalescer? coalescer = null;
        coalescer = Create(duringReload: () => { if (reloads.Count == 1) coalescer!.Request(); });
        using (coalescer)
        {
            coalescer.Request();
            clock.Advance(Window);
            Assert.True(coalescer.Pending);
            clock.Advance(Window);
            Assert.Equal(2, reloads.Count);
        }
    }

    [Fact]
    public void A_steady_stream_of_completions_reloads_at_most_once_a_window()
    {
        using var coalescer = Create();
        for (var i = 0; i < 100; i++) // one every 100 ms for 10 s
        {
            coalescer.Request();
            clock.Advance(Tick);
        }

        Assert.Equal(10, reloads.Count);
        Assert.All(reloads.Zip(reloads.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Window));
    }

    [Fact]
    public void Nothing_reloads_once_the_page_has_gone()
    {
        var coalescer = Create();
        coalescer.Request();
        coalescer.Dispose();
        coalescer.Request();
        clock.Advance(Window * 3);
        Assert.Empty(reloads);
        Assert.False(coalescer.Pending);
    }
}

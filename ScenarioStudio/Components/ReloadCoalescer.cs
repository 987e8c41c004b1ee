namespace ScenarioStudio.Components;

/// <summary>
/// Turns a burst of change notifications into one reload. The first request schedules the reload at the end of a window;
/// requests until it runs are absorbed into it; a request after it has started schedules one more, a window later.
/// So a page reloads at most once per window, and never misses a change made after its last reload began.
/// Thread-safe: requests come from any thread, and the reload is called on a timer thread.
/// </summary>
public sealed class ReloadCoalescer : IDisposable
{
    private readonly Lock gate = new();
    private readonly TimeSpan window;
    private readonly Action reload;
    private readonly ITimer timer;
    private bool scheduled, disposed;

    public ReloadCoalescer(TimeSpan window, TimeProvider clock, Action reload)
    {
        this.window = window;
        this.reload = reload;
        timer = clock.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A reload is scheduled and has not started: a change now is covered by it.</summary>
    public bool Pending
    {
        get { lock (gate) return scheduled; }
    }

    public void Request()
    {
        lock (gate)
        {
            if (scheduled || disposed) return;
            scheduled = true;
            timer.Change(window, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (gate)
        {
            if (disposed) return;
            scheduled = false;
        }
        reload();
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            scheduled = false;
        }
        timer.Dispose();
    }
}

namespace ScenarioStudio.Components;

/// <summary>
/// Waits out a quiet period: each <see cref="WaitAsync"/> cancels the wait before it, so only the last of a burst
/// (keystrokes, say) gets true after the delay. <see cref="Cancel"/> drops the pending wait (the work was done anyway).
/// </summary>
public sealed class Debouncer(TimeSpan delay, TimeProvider clock) : IDisposable
{
    private CancellationTokenSource? pending;

    /// <summary>True when the delay passed with no later call, no <see cref="Cancel"/> and <paramref name="ct"/> not cancelled.</summary>
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        Cancel();
        var mine = pending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await Task.Delay(delay, clock, mine.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Cancel()
    {
        pending?.Cancel();
        pending?.Dispose();
        pending = null;
    }

    public void Dispose() => Cancel();
}

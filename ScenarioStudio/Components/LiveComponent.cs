using Microsoft.AspNetCore.Components;

namespace ScenarioStudio.Components;

/// <summary>
/// A component that does work no UI event started: a cross-circuit event, a timer, a stream that outlives a click.
/// Such work goes through <see cref="RunOnCircuit"/> and takes <see cref="Disposing"/>; failures are never lost and
/// nothing runs for a page that has gone, whose circuit's services may already be disposed.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource life = new();

    protected LiveComponent() => Disposing = life.Token;

    [Inject] private ILogger<LiveComponent> Log { get; set; } = default!;

    /// <summary>Cancelled when the component is disposed: hand it to every service call its off-circuit work makes.</summary>
    protected CancellationToken Disposing { get; }

    protected bool IsDisposed => life.IsCancellationRequested;

    /// <summary>
    /// Runs <paramref name="work"/> on this component's circuit, from any thread. A failure is handed to the circuit as a
    /// failed event handler's would be (<see cref="ComponentBase.DispatchExceptionAsync"/>: the error UI and the log),
    /// never left in a discarded task. Work queued before the component was disposed and reached after does not run,
    /// and work cut short by <see cref="Disposing"/> is not an error.
    /// </summary>
    protected void RunOnCircuit(Func<Task> work)
    {
        if (IsDisposed) return;
        _ = InvokeAsync(async () =>
        {
            if (IsDisposed) return;
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (IsDisposed)
            {
            }
            catch (Exception ex) when (IsDisposed)
            {
                // The renderer has forgotten a disposed component and would refuse the exception: log it instead.
                Log.LogError(ex, "{Component} failed after it was disposed", GetType().Name);
            }
            catch (Exception ex)
            {
                await DispatchExceptionAsync(ex);
            }
        });
    }

    /// <summary>Unsubscribe here: it runs first, so no new work arrives while the running work is cancelled.</summary>
    protected virtual void OnDisposing()
    {
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        OnDisposing();
        life.Cancel();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Practice;
using ScenarioStudio.ScaleOut;

namespace ScenarioStudio.Bench.Streaming;

/// <summary>
/// Node A's live events publish a finished session every 100 ms; node B's, subscribed as a manager's open dashboard is,
/// receive it through Redis. Both nodes run in this process, so one clock times each event from publish to receipt.
/// </summary>
internal sealed class CrossNodeProbe : IDisposable
{
    private readonly ConcurrentDictionary<string, long> published = new();
    private readonly ConcurrentBag<double> latencies = [];
    private readonly IDisposable subscription;
    private readonly CancellationTokenSource stop = new();
    private Task publishing = Task.CompletedTask;
    private int sent;

    private CrossNodeProbe(IServiceProvider receiver) =>
        subscription = receiver.GetRequiredService<ILiveEvents<SessionCompleted>>().Subscribe(e =>
        {
            var now = Stopwatch.GetTimestamp();
            if (published.TryGetValue(e.LearnerId, out var at)) latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
        });

    public IReadOnlyList<double> Latencies => latencies.ToList();

    public static CrossNodeProbe Start(IServiceProvider nodeA, IServiceProvider nodeB)
    {
        var probe = new CrossNodeProbe(nodeB);
        var events = nodeA.GetRequiredService<ILiveEvents<SessionCompleted>>();
        var organisation = Guid.NewGuid();
        probe.publishing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync(probe.stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
            {
                var id = $"probe-{Interlocked.Increment(ref probe.sent)}";
                probe.published[id] = Stopwatch.GetTimestamp();
                events.Publish(new SessionCompleted(organisation, id));
            }
        });
        return probe;
    }

    /// <summary>Stops publishing and waits a second for the last events to arrive.</summary>
    public async Task<CrossNodeProbe> StopAsync()
    {
        await stop.CancelAsync();
        await publishing;
        await Task.Delay(1000);
        return this;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"cross-node events: {latencies.Count} of {sent} received on node B, p50 {Percentile.Of(Latencies, 50):0.0} ms, " +
        $"p95 {Percentile.Of(Latencies, 95):0.0} ms, max {(latencies.IsEmpty ? 0 : latencies.Max()):0.0} ms");

    public void Dispose()
    {
        subscription.Dispose();
        stop.Dispose();
    }
}

using ScenarioStudio.Bench.Infrastructure;

namespace ScenarioStudio.Bench.Streaming;

/// <summary><c>nodes [--streams N] [--paint]</c>: the streaming run over two nodes of one install; see <see cref="StreamingBenchmark.RunAsync(int, bool, string?, int)"/>.
/// Prints <c>nodes nodes=2 streams=N token_to_dom_p95_ms=… cross_node_event_p95_ms=…</c>.</summary>
public static class NodesBenchmark
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var streams = args.GetInt("streams", 50, 2, 200);
        var paint = args.HasFlag("paint");
        args.RejectUnknown();
        return await StreamingBenchmark.RunAsync(streams, paint, csvPath: null, nodes: 2);
    }
}

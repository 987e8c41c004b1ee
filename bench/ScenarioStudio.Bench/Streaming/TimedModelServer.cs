using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScenarioStudio.Bench.Streaming;

/// <summary>
/// An OpenAI-compatible streaming server on loopback that sends a fixed number of tokens at a fixed rate and records
/// when each token was written. Token text is " s{request}" first, then " t{index}", so the page can tell which
/// request (stream) and which token it is showing.
/// </summary>
public sealed class TimedModelServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;
    private TaskCompletionSource gate = Open();

    /// <summary>Unix milliseconds at which token <c>[request][index]</c> was flushed.</summary>
    public Dictionary<int, long[]> SentAt { get; } = [];
    public string BaseUrl { get; private set; } = "";
    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>From now on, requests wait before their first token until <see cref="Release"/>.</summary>
    public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every held request start streaming at once.</summary>
    public void Release() => gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private TimedModelServer(WebApplication app) => this.app = app;

    public static async Task<TimedModelServer> StartAsync(int tokens, int tokensPerSecond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TimedModelServer(app);
        var interval = TimeSpan.FromSeconds(1.0 / tokensPerSecond);
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var request = Interlocked.Increment(ref server.requests);
            var sent = new long[tokens + 1];
            lock (server.SentAt) server.SentAt[request] = sent;
            context.Response.ContentType = "text/event-stream";
            await server.gate.Task.WaitAsync(context.RequestAborted);
            var start = DateTime.UtcNow;
            for (var i = 0; i <= tokens; i++)
            {
                // Paced against the start time, so a late write does not push every later token back.
                var due = start + interval * i;
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, context.RequestAborted);
                var text = i == 0 ? $" s{request}" : $" t{i:000}";
                await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(new
                {
                    id = "b", @object = "chat.completion.chunk", created = 1700000000, model = "bench",
                    choices = new[] { new { index = 0, delta = new { content = text }, finish_reason = (string?)null } },
                }) + "\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                sent[i] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }
            await context.Response.WriteAsync("data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"bench\"," +
                "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
            await context.Response.Body.FlushAsync();
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

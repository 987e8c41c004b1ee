using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>What the fake model does for one request.</summary>
/// <param name="Compute">When set, the reply's text is computed from the request (e.g. to follow its instruction).</param>
public sealed record ScriptedReply(IReadOnlyList<string> Chunks, int DelayMs = 0, bool Hang = false, int Status = 200,
    Func<JsonDocument, string>? Compute = null)
{
    public static ScriptedReply Text(string text, int delayMs = 0) =>
        new(text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToList(), delayMs);

    /// <summary>A model that follows the settings page's test instruction: it replies with the code word it was given.</summary>
    public static ScriptedReply FollowsTheTestInstruction() => new([], Compute: body =>
        System.Text.RegularExpressions.Regex.Match(FirstMessage(body), "ZEBRA-[0-9]+").Value);

    /// <summary>A server that echoes the prompt back: the first message of the request.</summary>
    public static ScriptedReply EchoesThePrompt() => new([], Compute: FirstMessage);

    private static string FirstMessage(JsonDocument body) =>
        body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString() ?? "";
}

/// <summary>
/// An OpenAI-compatible chat completions server on 127.0.0.1 and a random port, answering with SSE
/// <c>chat.completion.chunk</c> events then <c>[DONE]</c> (or one JSON body for non-streamed calls).
/// Replies are queued by the test; every request body is recorded.
/// </summary>
public sealed class LoopbackOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ScriptedReply> replies = new();
    public ConcurrentQueue<JsonDocument> Requests { get; } = new();
    public ConcurrentQueue<string> Authorizations { get; } = new();
    public string BaseUrl { get; }

    /// <summary>Used when the queue is empty.</summary>
    public ScriptedReply Default { get; set; } = ScriptedReply.Text("Hello there.");

    private LoopbackOpenAiServer(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public void Enqueue(params ScriptedReply[] scripted)
    {
        foreach (var r in scripted) replies.Enqueue(r);
    }

    public static async Task<LoopbackOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackOpenAiServer? server = null;
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body);
            server!.Requests.Enqueue(body);
            server.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            var reply = server.replies.TryDequeue(out var r) ? r : server.Default;
            if (reply.Compute is not null) reply = reply with { Chunks = [reply.Compute(body)] };
            if (reply.Status != 200)
            {
                context.Response.StatusCode = reply.Status;
                await context.Response.WriteAsJsonAsync(new { error = new { message = "scripted failure", type = "server_error" } });
                return;
            }
            if (reply.Hang)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                return;
            }
            var stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            if (!stream)
            {
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "c1", @object = "chat.completion", created = 1700000000, model = "m",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(reply.Chunks) }, finish_reason = "stop" } },
                    usage = Usage(body, string.Concat(reply.Chunks)),
                });
                return;
            }
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in reply.Chunks)
            {
                if (reply.DelayMs > 0) await Task.Delay(reply.DelayMs, context.RequestAborted);
                await WriteAsync(context, new { id = "c1", @object = "chat.completion.chunk", created = 1700000000, model = "m",
                    choices = new[] { new { index = 0, delta = new { content = chunk }, finish_reason = (string?)null } } });
            }
            await WriteAsync(context, new { id = "c1", @object = "chat.completion.chunk", created = 1700000000, model = "m",
                choices = new[] { new { index = 0, delta = new { content = "" }, finish_reason = "stop" } } });
            // As OpenAI does when asked (stream_options.include_usage): a last chunk with no choices and the call's token counts.
            if (body.RootElement.TryGetProperty("stream_options", out var options) && options.TryGetProperty("include_usage", out var include)
                && include.ValueKind == JsonValueKind.True)
            {
                await WriteAsync(context, new { id = "c1", @object = "chat.completion.chunk", created = 1700000000, model = "m",
                    choices = Array.Empty<object>(), usage = Usage(body, string.Concat(reply.Chunks)) });
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
            await context.Response.Body.FlushAsync();
        });
        await app.StartAsync();
        server = new LoopbackOpenAiServer(app, app.Urls.First());
        return server;
    }

    /// <summary>Token counts as a tokenizer would roughly give them: about four characters a token, at least one.</summary>
    public static int Tokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    private static object Usage(JsonDocument body, string reply)
    {
        var prompt = body.RootElement.GetProperty("messages").EnumerateArray()
            .Sum(m => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? Tokens(c.GetString()!) : 0);
        var completion = Tokens(reply);
        return new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };
    }

    private static async Task WriteAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

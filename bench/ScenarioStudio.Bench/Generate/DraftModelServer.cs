using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScenarioStudio.Bench.Generate;

/// <summary>
/// An OpenAI-compatible streaming server on loopback that answers the drafter's section requests as a model would:
/// the overview, each phase, the rubric and the repair, as JSON streamed at a fixed rate of about four characters a token.
/// Drafts whose situation names an odd case number come back with three invalid fields (rubric weights that add up to 90,
/// a phase without an ideal response, a title over its limit) that the repair request names and this server then fixes.
/// Records when it wrote the first token of each draft's first request (Stopwatch timestamps, same process).
/// </summary>
public sealed partial class DraftModelServer : IAsyncDisposable
{
    private const int CharsPerToken = 4;
    private readonly WebApplication app;

    /// <summary>Stopwatch timestamp of the first token of case N's overview.</summary>
    public ConcurrentDictionary<int, long> FirstToken { get; } = new();
    public string BaseUrl { get; private set; } = "";

    private DraftModelServer(WebApplication app) => this.app = app;

    public static async Task<DraftModelServer> StartAsync(int tokensPerSecond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new DraftModelServer(app);
        var interval = TimeSpan.FromSeconds(1.0 / tokensPerSecond);
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var messages = body.RootElement.GetProperty("messages");
            var system = messages[0].GetProperty("content").GetString() ?? "";
            var instruction = messages[1].GetProperty("content").GetString() ?? "";
            var caseNo = int.Parse(CaseNumber().Match(system).Groups[1].Value, CultureInfo.InvariantCulture);
            var reply = Reply(caseNo, instruction);
            var overview = instruction.Contains("Write the scenario's overview", StringComparison.Ordinal);

            context.Response.ContentType = "text/event-stream";
            var start = Stopwatch.GetTimestamp();
            var tokens = (reply.Length + CharsPerToken - 1) / CharsPerToken;
            for (var i = 0; i < tokens; i++)
            {
                // Paced against the start, so a late write does not push every later token back.
                var wait = interval * i - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, context.RequestAborted);
                var text = reply.Substring(i * CharsPerToken, Math.Min(CharsPerToken, reply.Length - i * CharsPerToken));
                await WriteAsync(context, Chunk(new { content = text }, null));
                if (i == 0 && overview) server.FirstToken[caseNo] = Stopwatch.GetTimestamp();
            }
            await WriteAsync(context, Chunk(new { content = "" }, "stop"));
            await WriteAsync(context, new
            {
                id = "g", @object = "chat.completion.chunk", created = 1700000000, model = "bench", choices = Array.Empty<object>(),
                usage = new { prompt_tokens = (system.Length + instruction.Length) / CharsPerToken, completion_tokens = tokens,
                    total_tokens = (system.Length + instruction.Length) / CharsPerToken + tokens },
            });
            await context.Response.WriteAsync("data: [DONE]\n\n");
            await context.Response.Body.FlushAsync();
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    private static object Chunk(object delta, string? finish) => new
    {
        id = "g", @object = "chat.completion.chunk", created = 1700000000, model = "bench",
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    };

    private static async Task WriteAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    [GeneratedRegex(@"\(case ([0-9]+)\)")]
    private static partial Regex CaseNumber();

    [GeneratedRegex(@"name the ([0-9]) phases")]
    private static partial Regex PhaseCount();

    [GeneratedRegex(@"Write phase ([0-9]) of ([0-9])")]
    private static partial Regex PhaseRequest();

    [GeneratedRegex(@"^- (?<field>[^:]+):", RegexOptions.Multiline)]
    private static partial Regex BrokenField();

    /// <summary>What the model answers to one of the drafter's instructions for case <paramref name="caseNo"/>.</summary>
    public static string Reply(int caseNo, string instruction)
    {
        var broken = caseNo % 2 == 1;
        if (PhaseCount().Match(instruction) is { Success: true } count)
            return DraftContent.Overview(caseNo, int.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture), broken);
        if (PhaseRequest().Match(instruction) is { Success: true } phase)
            return DraftContent.Phase(caseNo, int.Parse(phase.Groups[1].Value, CultureInfo.InvariantCulture), broken);
        if (instruction.Contains("Write the rubric", StringComparison.Ordinal)) return DraftContent.Rubric(broken);
        if (instruction.Contains("Fix exactly these fields", StringComparison.Ordinal))
            return DraftContent.Fixes(caseNo, BrokenField().Matches(instruction).Select(m => m.Groups["field"].Value.Trim()).ToList());
        throw new InvalidOperationException("The benchmark's model does not know this instruction: " + instruction[..Math.Min(80, instruction.Length)]);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace ScenarioStudio.Bench.Streaming;

/// <summary>
/// Headless Chromium driven through the Chrome DevTools Protocol over one WebSocket, with only the Page domain enabled.
/// Playwright enables the Network domain on every page it controls, and then Chromium turns every WebSocket frame of
/// the Blazor circuit into a DevTools event that its renderer encodes, its browser process forwards and the driver
/// parses: in the streaming benchmark that was a fifth of the machine spent on watching rather than on the pages.
/// A learner's browser has no debugger attached, so the benchmark drives its pages with this client instead: each
/// page in its own browser context (its own cookies), commands and navigation events only.
/// </summary>
public sealed class CdpBrowser : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly Process process;
    private readonly string profile;
    private readonly ClientWebSocket socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly CancellationTokenSource closing = new();
    private readonly Task receiving;
    private int lastId;

    private CdpBrowser(Process process, string profile, ClientWebSocket socket)
    {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        receiving = ReceiveAsync();
    }

    /// <summary>Starts Chromium with a temporary profile and a DevTools port chosen by the system, and connects.</summary>
    public static async Task<CdpBrowser> LaunchAsync(string executable, IEnumerable<string> arguments)
    {
        var profile = Directory.CreateTempSubdirectory("scenariostudio-bench-chromium-").FullName;
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "--headless", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // Chromium writes the port and the browser target's path to DevToolsActivePort once it listens.
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        var waited = Stopwatch.StartNew();
        string[] lines = [];
        while (lines.Length < 2)
        {
            if (process.HasExited) throw new InvalidOperationException($"{executable} exited with code {process.ExitCode} before listening.");
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"{executable} did not open its DevTools port within 30 s.");
            await Task.Delay(50);
            try { lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile) : []; }
            catch (IOException) { lines = []; }
        }
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = Timeout.InfiniteTimeSpan;
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None);
        return new CdpBrowser(process, profile, socket);
    }

    /// <summary>Opens a page in a new browser context (a new window), with <paramref name="initScript"/> run in every document it loads.</summary>
    public async Task<CdpPage> NewPageAsync(string initScript)
    {
        var context = (await SendAsync("Target.createBrowserContext")).GetProperty("browserContextId").GetString()!;
        var target = (await SendAsync("Target.createTarget", new { url = "about:blank", browserContextId = context, newWindow = true }))
            .GetProperty("targetId").GetString()!;
        var session = (await SendAsync("Target.attachToTarget", new { targetId = target, flatten = true })).GetProperty("sessionId").GetString()!;
        var page = new CdpPage(this, context, target, session);
        // The Page domain must be on for scripts on new documents to run; it reports only on navigations.
        await page.SendAsync("Page.enable");
        await page.SendAsync("Page.addScriptToEvaluateOnNewDocument", new { source = initScript });
        return page;
    }

    internal async Task<JsonElement> SendAsync(string method, object? parameters = null, string? sessionId = null)
    {
        var id = Interlocked.Increment(ref lastId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { }, sessionId }, Json);
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            sending.Release();
        }
        var response = await reply.Task.WaitAsync(TimeSpan.FromMinutes(2));
        if (response.TryGetProperty("error", out var error))
            throw new CdpException($"{method}: {error.GetProperty("message").GetString()}");
        return response.GetProperty("result");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), closing.Token);
                    buffer.Advance(received.Count);
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close) break;
                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                // Replies carry the command's id; events (none are enabled, but Chromium sends a few) are ignored.
                if (document.RootElement.TryGetProperty("id", out var id) && pending.TryRemove(id.GetInt32(), out var reply))
                    reply.TrySetResult(document.RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closing, or Chromium went away.
        }
        foreach (var reply in pending.Values) reply.TrySetException(new CdpException("The browser connection closed."));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is CdpException or TimeoutException or WebSocketException)
        {
            // Killed below.
        }
        await closing.CancelAsync();
        await receiving;
        socket.Dispose();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10))) process.Kill(entireProcessTree: true);
        process.Dispose();
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One page (target) of a <see cref="CdpBrowser"/>, in its own browser context.</summary>
public sealed class CdpPage(CdpBrowser browser, string contextId, string targetId, string sessionId)
{
    internal Task<JsonElement> SendAsync(string method, object? parameters = null) => browser.SendAsync(method, parameters, sessionId);

    public Task GotoAsync(string url) => SendAsync("Page.navigate", new { url });

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting it if it is a promise) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, awaitPromise = true, returnByValue = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
            throw new CdpException($"Script failed: {exception.GetProperty("exception").GetProperty("description").GetString()}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>
    /// Waits until an element matching <paramref name="selector"/> is in the page, through navigations: the wait runs
    /// in the page (a MutationObserver, no polling over the protocol) and starts again in the next document when a
    /// navigation ends the current one.
    /// </summary>
    public async Task WaitForAsync(string selector)
    {
        var script = $$"""
            new Promise(resolve => {
              const found = () => document.querySelector({{JsonSerializer.Serialize(selector)}});
              if (found()) return resolve(true);
              new MutationObserver((_, observer) => { if (found()) { observer.disconnect(); resolve(true); } })
                .observe(document, { subtree: true, childList: true, attributes: true });
            })
            """;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await EvaluateAsync(script);
                return;
            }
            catch (CdpException) when (waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                // The document went away (a navigation) or is not there yet: wait in the next one.
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Minimises the page's window: it keeps running script and receiving messages, but draws no frames.</summary>
    public async Task MinimiseAsync()
    {
        var window = await browser.SendAsync("Browser.getWindowForTarget", new { targetId });
        await browser.SendAsync("Browser.setWindowBounds",
            new { windowId = window.GetProperty("windowId").GetInt32(), bounds = new { windowState = "minimized" } });
    }

    public Task CloseAsync() => browser.SendAsync("Target.disposeBrowserContext", new { browserContextId = contextId });
}

public sealed class CdpException(string message) : Exception(message);

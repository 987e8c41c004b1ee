using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using static System.FormattableString;

namespace ScenarioStudio.Bench.Streaming;

/// <summary>
/// N learners open practice pages at once in headless Chromium; the customer's line streams from a loopback
/// model server (300 tokens at 100 tokens/s each) through Semantic Kernel into the Blazor page. A MutationObserver
/// in each page stamps when each token first shows; the server stamps when it sent it.
/// Prints: streaming streams=N token_to_dom_p50_ms=… token_to_dom_p95_ms=… server_cpu_pct=… kb_per_circuit=…
/// <para>
/// The N browsers stand in for N learners' own devices but share this machine with the server under test. Painting
/// costs Chromium a few milliseconds of CPU per frame whatever the page holds, so N painting pages at 25 frames a
/// second take more CPU than a small server has and the figure would measure the browsers' compositing. Once the
/// pages are live their windows are therefore minimised: the page still receives every render batch, Blazor's
/// script applies it to the DOM and the observer stamps it, but no frames are drawn. <c>--paint</c> keeps the
/// windows open, to see the cost of drawing too.
/// </para>
/// <para>
/// For the same reason the pages are driven over the DevTools protocol without its Network domain (<see cref="CdpBrowser"/>)
/// rather than through Playwright, which has Chromium report every WebSocket frame of every circuit to its driver.
/// </para>
/// </summary>
public static class StreamingBenchmark
{
    private const int Tokens = 300, TokensPerSecond = 100;
    private const string Password = "copper lantern meadow 97";

    // Records, per page, the first time each token is visible in the streaming message. Only the text added since
    // the last mutation is scanned, so the observer's own cost stays flat as the message grows.
    private const string Observer = """
        window.__seen = {}; window.__request = null; let scanned = 0;
        window.__reset = () => { window.__seen = {}; window.__request = null; scanned = 0; };
        new MutationObserver(() => {
          const el = document.getElementById('streaming-text') || document.querySelector('.bubble.customer .text');
          if (!el) return;
          const now = Date.now(), text = el.textContent;
          if (text.length < scanned) scanned = 0;
          const fresh = text.substring(Math.max(0, scanned - 8)); scanned = text.length;
          if (window.__request === null) { const s = /s(\d+)/.exec(text); if (s) window.__request = +s[1]; }
          for (const m of fresh.matchAll(/t(\d{3})/g)) { if (!(m[1] in window.__seen)) window.__seen[m[1]] = now; }
        }).observe(document, { subtree: true, childList: true, characterData: true });
        """;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var streams = args.GetInt("streams", 25, 1, 200);
        var paint = args.HasFlag("paint");
        var csvPath = args.GetString("tokens-csv");
        args.RejectUnknown();
        return await RunAsync(streams, paint, csvPath, nodes: 1);
    }

    /// <summary>
    /// The streaming run over one node, or over two nodes of one install (the <c>nodes</c> benchmark): two app hosts in this
    /// process with nothing in memory shared, one SQLite file and a Redis server started here; the pages alternate between
    /// the nodes, and during the measured round node A publishes a finished session every 100 ms that node B's live events
    /// receive through Redis (<see cref="CrossNodeProbe"/>).
    /// </summary>
    internal static async Task<int> RunAsync(int streams, bool paint, string? csvPath, int nodes)
    {
        var dir = Path.Combine(Path.GetTempPath(), "scenariostudio-bench-streaming", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await using var redis = nodes > 1 ? await RedisProcess.StartAsync() : null;
        await using var model = await TimedModelServer.StartAsync(Tokens, TokensPerSecond);
        var factories = new List<WebApplicationFactory<AppDbContext>>();
        for (var n = 0; n < nodes; n++) factories.Add(StartNode(dir, redis?.Connection));
        await using var disposeNodes = new AsyncDisposables(factories);
        var baseUrls = factories.Select(f => f.ClientOptions.BaseAddress.ToString().TrimEnd('/')).ToList();
        var factory = factories[0];
        Log.Info($"app at {string.Join(" and ", baseUrls)}, model server at {model.BaseUrl}{(redis is null ? "" : $", Redis at {redis.Connection}")}");

        // One extra learner warms up: a first practice page pays the one-time costs (JIT, component metadata caches,
        // the model connection) before the baseline, so the memory figure is what each further circuit costs.
        var sessions = await SeedAsync(factory.Services, model.BaseUrl, streams + 1);

        await using var browser = await CdpBrowser.LaunchAsync(Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-default-apps", "--disable-extensions",
            "--disable-dev-shm-usage", "--disable-breakpad", "--disable-hang-monitor", "--disable-ipc-flooding-protection",
            "--disable-client-side-phishing-detection", "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--password-store=basic", "--mute-audio", "--metrics-recording-only",
            // Minimised pages must keep running at full speed, as a learner's page in the foreground does.
            "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
        ]);

        // Sign every learner in (static pages, no circuit yet), stopping on the login form's return address.
        var pages = new List<CdpPage>();
        foreach (var ((email, sessionId), i) in sessions.Select((s, i) => (s, i)))
        {
            var page = await browser.NewPageAsync(Observer);
            // The warm-up page is on node A; the measured pages alternate between the nodes.
            var baseUrl = baseUrls[Math.Max(0, i - 1) % baseUrls.Count];
            await page.GotoAsync($"{baseUrl}/Account/Login?ReturnUrl={Uri.EscapeDataString($"/practice/{sessionId}")}");
            await page.WaitForAsync("#Input\\.Email");
            await page.EvaluateAsync($$"""
                document.querySelector('#Input\\.Email').value = {{JsonSerializer.Serialize(email)}};
                document.querySelector('#Input\\.Password').value = {{JsonSerializer.Serialize(Password)}};
                true
                """);
            pages.Add(page);
        }

        const string Submit = "document.querySelector('button[type=submit]').click(); true";
        var warmUp = pages[0];
        pages.RemoveAt(0);
        Log.Info("warm-up page");
        await warmUp.EvaluateAsync(Submit);
        await warmUp.WaitForAsync(".bubble.customer:not(.streaming)");

        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Environment.WorkingSet;

        // Warming rounds. All pages load and ask for the customer's line; the model server holds the first token until
        // every page is live, so the streams run concurrently. The first rounds after a start pay the runtime's tiered
        // compilation of the streaming path at this concurrency (instrumented code first, then optimised code): in the
        // first round the JIT compiled some thousands of methods and took more than half of the app's CPU. A server
        // spends its life past that, so every learner regenerates the customer's line (which streams again through the
        // same circuits) until a round compiles fewer than 100 methods, at most 8 rounds; the round after that is
        // measured. The warming rounds' figures go to stderr.
        model.Hold();
        Log.Info($"opening {streams} practice pages");
        await Task.WhenAll(pages.Select(p => p.EvaluateAsync(Submit)));
        await StartedAsync(pages, model, streams + 1);
        if (!paint)
            foreach (var page in pages.Prepend(warmUp)) await page.MinimiseAsync();
        var rounds = 0;
        while (true)
        {
            var round = await StreamAsync(pages, model, streams);
            rounds++;
            await RegenerateAsync(pages, model, streams * (rounds + 1) + 1);
            Log.Info($"warming round {rounds}: {round.Describe(paint)}");
            if (round.JitCompiled < 100 || rounds == 8) break;
        }
        using var probe = nodes > 1 ? CrossNodeProbe.Start(factories[0].Services, factories[1].Services) : null;
        var measured = await StreamAsync(pages, model, streams);
        var crossNode = probe is null ? null : await probe.StopAsync();

        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetAfter = Environment.WorkingSet;

        var cpuPct = measured.Cpu.TotalMilliseconds / (measured.Wall.TotalMilliseconds * Environment.ProcessorCount) * 100;
        var kbPerCircuit = Math.Max(0, memoryAfter - memoryBefore) / 1024.0 / streams;
        Console.WriteLine(crossNode is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"streaming streams={streams} token_to_dom_p50_ms={Percentile.Of(measured.Latencies, 50):0.0}" +
                $" token_to_dom_p95_ms={Percentile.Of(measured.Latencies, 95):0.0} server_cpu_pct={cpuPct:0.0} kb_per_circuit={kbPerCircuit:0}")
            : string.Create(CultureInfo.InvariantCulture,
                $"nodes nodes={nodes} streams={streams} token_to_dom_p95_ms={Percentile.Of(measured.Latencies, 95):0.0}" +
                $" cross_node_event_p95_ms={Percentile.Of(crossNode.Latencies, 95):0.0}"));
        if (crossNode is not null) Log.Info(crossNode.Describe());
        Log.Info($"measured round: {measured.Describe(paint)}");
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"process working set grew {(workingSetAfter - workingSetBefore) / 1024.0 / streams:0}" +
            $" KB per circuit (managed heap and native memory, e.g. socket buffers)"));

        if (csvPath is not null)
        {
            var csv = new System.Text.StringBuilder("stream,token,token_to_dom_ms\n");
            foreach (var (request, index, ms) in measured.Tokens)
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{request},{index},{ms}"));
            await File.WriteAllTextAsync(csvPath, csv.ToString());
        }
        foreach (var page in pages) await page.CloseAsync();
        for (var i = 0; i < 10; i++) { await Task.Delay(1000); GC.Collect(); GC.WaitForPendingFinalizers(); }
        var memoryClosed = GC.GetTotalMemory(forceFullCollection: true);
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"after closing the {streams} pages: heap {memoryClosed / 1024.0 / 1024.0:0.0}" +
            $" MB, released {(memoryAfter - memoryClosed) / 1024.0 / streams:0}" +
            $" KB per page (before {memoryBefore / 1024.0 / 1024.0:0.0} MB, live {memoryAfter / 1024.0 / 1024.0:0.0} MB)"));
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        return 0;
    }

    private static WebApplicationFactory<AppDbContext> StartNode(string dataDirectory, string? redis)
    {
        var factory = new WebApplicationFactory<AppDbContext>() // any type of the app assembly: the bench has its own Program
           .WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseStaticWebAssets(); // only automatic in Development: MudBlazor's files come from its package
            web.UseSetting("Urls", "http://127.0.0.1:0");
            web.UseSetting("Storage:DataDirectory", dataDirectory);
            web.UseSetting("RateLimits:SignInPerMinute", "100000");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseSetting("Logging:Console:FormatterName", "simple");
            web.UseSetting("Logging:Console:LogToStandardErrorThreshold", "Trace"); // stdout is the figure line's
            if (redis is not null) web.UseSetting("Redis:Connection", redis);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    /// <summary>Waits until every page shows the typing indicator and the model server holds <paramref name="requests"/> requests in all.</summary>
    private static async Task StartedAsync(List<CdpPage> pages, TimedModelServer model, int requests)
    {
        await Task.WhenAll(pages.Select(p => p.WaitForAsync("#typing-indicator")));
        while (model.Requests < requests) await Task.Delay(50);
    }

    /// <summary>Every learner regenerates the customer's line; returns once the new streams are held at the model server.</summary>
    private static async Task RegenerateAsync(List<CdpPage> pages, TimedModelServer model, int requests)
    {
        model.Hold();
        await Task.WhenAll(pages.Select(async p =>
        {
            await p.WaitForAsync("#regenerate");
            await p.EvaluateAsync("document.getElementById('regenerate').click(); true");
        }));
        await StartedAsync(pages, model, requests);
    }

    /// <summary>Lets the held streams run once the browsers have settled, and measures them.</summary>
    private static async Task<Round> StreamAsync(List<CdpPage> pages, TimedModelServer model, int streams)
    {
        await SettleAsync();
        await Task.WhenAll(pages.Select(p => p.EvaluateAsync("window.__reset(); true")));
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var browserCpuBefore = BrowserCpu.Total();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var pausedBefore = GC.GetTotalPauseDuration();
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var jitTimeBefore = JitInfo.GetCompilationTime();
        var wall = Stopwatch.StartNew();
        Log.Info($"streaming {streams} x {Tokens} tokens at {TokensPerSecond}/s");
        model.Release();
        await Task.WhenAll(pages.Select(p => p.WaitForAsync(".bubble.customer:not(.streaming)")));
        wall.Stop();
        process.Refresh();
        var round = new Round
        {
            Wall = wall.Elapsed,
            Cpu = process.TotalProcessorTime - cpuBefore,
            BrowserCpu = BrowserCpu.Total() - browserCpuBefore,
            Gcs = string.Join("/", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g])),
            Paused = GC.GetTotalPauseDuration() - pausedBefore,
            JitCompiled = JitInfo.GetCompiledMethodCount() - jitBefore,
            JitTime = JitInfo.GetCompilationTime() - jitTimeBefore,
        };
        foreach (var page in pages)
        {
            var stamps = await page.EvaluateAsync("({ request: window.__request, seen: window.__seen })");
            if (stamps.GetProperty("request").ValueKind != JsonValueKind.Number) continue;
            var request = stamps.GetProperty("request").GetInt32();
            if (!model.SentAt.TryGetValue(request, out var sent)) continue;
            foreach (var token in stamps.GetProperty("seen").EnumerateObject())
            {
                var index = int.Parse(token.Name, CultureInfo.InvariantCulture);
                round.Tokens.Add((request, index, token.Value.GetInt64() - sent[index]));
            }
        }
        if (round.Tokens.Count < streams * Tokens * 0.9)
            Log.Info($"warning: only {round.Tokens.Count} of {streams * Tokens} tokens were observed");
        return round;
    }

    /// <summary>One round of N concurrent streams: every token's latency and what the round cost.</summary>
    private sealed class Round
    {
        public List<(int Request, int Index, double Ms)> Tokens { get; } = [];
        public List<double> Latencies => Tokens.Select(t => t.Ms).ToList();
        public TimeSpan Wall { get; init; }
        public TimeSpan Cpu { get; init; }
        public TimeSpan? BrowserCpu { get; init; }
        public string Gcs { get; init; } = "";
        public TimeSpan Paused { get; init; }
        public long JitCompiled { get; init; }
        public TimeSpan JitTime { get; init; }

        public string Describe(bool paint)
        {
            var machine = Wall.TotalMilliseconds * Environment.ProcessorCount / 100;
            var thirds = Enumerable.Range(0, 3)
                .Select(part => Tokens.Where(t => Math.Min(t.Index * 3 / (StreamingBenchmark.Tokens + 1), 2) == part).Select(t => t.Ms).ToList());
            var browsers = BrowserCpu is { } chromium
                ? Invariant($", Chromium {chromium.TotalMilliseconds / machine:0.0}% ({(paint ? "windows open, painting" : "windows minimised")})")
                : "";
            return Invariant($"token_to_dom p50/p95 {Percentile.Of(Latencies, 50):0}/{Percentile.Of(Latencies, 95):0} ms, by third of the stream ") +
                string.Join(", ", thirds.Select(p => Invariant($"{Percentile.Of(p, 50):0}/{Percentile.Of(p, 95):0}"))) +
                Invariant($" ms; took {Wall.TotalSeconds:0.0} s; app and model server {Cpu.TotalMilliseconds / machine:0.0}% of the machine{browsers}") +
                Invariant($"; GCs gen0/1/2 {Gcs}, paused {Paused.TotalMilliseconds:0} ms; JIT compiled {JitCompiled} methods in {
                    JitTime.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>
    /// Waits until the page loads have settled: Chromium under a tenth of the machine for a second (at most 30 s, and
    /// at least 2 s where /proc cannot be read), so the streams do not start against the tail of N page loads.
    /// </summary>
    private static async Task SettleAsync()
    {
        var waited = Stopwatch.StartNew();
        if (BrowserCpu.Total() is null)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            return;
        }
        double share;
        do
        {
            var before = BrowserCpu.Total()!.Value;
            await Task.Delay(TimeSpan.FromSeconds(1));
            share = (BrowserCpu.Total()!.Value - before).TotalSeconds / Environment.ProcessorCount;
        }
        while (share > 0.10 && waited.Elapsed < TimeSpan.FromSeconds(30));
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"pages settled after {waited.Elapsed.TotalSeconds:0.0} s (Chromium at {share * 100:0}% of the machine)"));
    }

    /// <summary>An organisation on the loopback model, a published scenario, and one learner with a new session per stream.</summary>
    private static async Task<List<(string Email, Guid SessionId)>> SeedAsync(IServiceProvider services, string modelUrl, int streams)
    {
        ApplicationUser admin;
        await using (var scope = services.CreateAsyncScope())
            admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("admin@bench.test", "Bench Admin", Password, "Bench Org", null));

        int scenarioId;
        await using (var scope = await AsAsync(services, admin))
        {
            var doc = RubricDefaults.NewDocument(ScenarioDomain.Sales);
            doc.Title = "Streaming benchmark";
            doc.Slug = "streaming-benchmark";
            doc.Persona.Name = "Bench customer";
            foreach (var phase in doc.Phases) { phase.CustomerOpening = "Hello."; phase.IdealResponse = "Hello, how can I help?"; }
            scenarioId = await scope.ServiceProvider.GetRequiredService<ScenarioCommands>().CreateAsync(doc);
            await scope.ServiceProvider.GetRequiredService<ScenarioLifecycle>().PublishAsync(scenarioId);
            var settings = scope.ServiceProvider.GetRequiredService<AiSettingsService>();
            await settings.SaveAsync(new AiSettingsInput
            {
                Provider = AiProvider.OpenAiCompatible, Endpoint = modelUrl, Model = "bench", MaxTokens = 4000, TimeoutSeconds = 120,
                UserCallsPerMinute = 1000, UserCallsPerDay = 100_000, OrganisationCallsPerMinute = 10_000, OrganisationCallsPerDay = 1_000_000,
            });
        }

        var result = new List<(string, Guid)>();
        for (var i = 0; i < streams; i++)
        {
            var email = $"learner{i}@bench.test";
            ApplicationUser learner;
            await using (var scope = services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                learner = new ApplicationUser
                {
                    OrganisationId = admin.OrganisationId, Role = OrgRole.Learner, DisplayName = $"Learner {i}", UserName = email, Email = email,
                    EmailConfirmed = true
                };
                var created = await users.CreateAsync(learner, Password);
                if (!created.Succeeded) throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            await using var asLearner = await AsAsync(services, learner);
            result.Add((email, await asLearner.ServiceProvider.GetRequiredService<PracticeService>().StartAsync(scenarioId)));
        }
        return result;
    }

    private static async Task<AsyncServiceScope> AsAsync(IServiceProvider services, ApplicationUser user)
    {
        var scope = services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return scope;
    }
}

using System.Diagnostics;
using System.Globalization;
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
/// For the same reason the pages are driven over the DevTools protocol with no domain enabled (<see cref="CdpBrowser"/>)
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
        var dir = Path.Combine(Path.GetTempPath(), "scenariostudio-bench-streaming", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await using var model = await TimedModelServer.StartAsync(Tokens, TokensPerSecond);
        await using var factory = new WebApplicationFactory<AppDbContext>() // any type of the app assembly: the bench has its own Program
           .WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseStaticWebAssets(); // only automatic in Development: MudBlazor's files come from its package
            web.UseSetting("Urls", "http://127.0.0.1:0");
            web.UseSetting("Storage:DataDirectory", dir);
            web.UseSetting("RateLimits:SignInPerMinute", "100000");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseSetting("Logging:Console:FormatterName", "simple");
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var baseUrl = factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Log.Info($"app at {baseUrl}, model server at {model.BaseUrl}");

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
        foreach (var (email, sessionId) in sessions)
        {
            var page = await browser.NewPageAsync(Observer);
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

        // All pages load and ask for the customer's line; the model server holds the first token until every page is
        // live, so the streams run concurrently and the figure measures streaming, not N page loads at once.
        model.Hold();
        Log.Info($"opening {streams} practice pages");
        await Task.WhenAll(pages.Select(p => p.EvaluateAsync(Submit)));
        await Task.WhenAll(pages.Select(p => p.WaitForAsync("#typing-indicator")));
        while (model.Requests < streams + 1) await Task.Delay(50);
        if (!paint)
            foreach (var page in pages.Prepend(warmUp)) await page.MinimiseAsync();
        await SettleAsync();

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var browserCpuBefore = BrowserCpu.Total();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var pausedBefore = GC.GetTotalPauseDuration();
        var wall = Stopwatch.StartNew();
        Log.Info($"streaming {streams} x {Tokens} tokens at {TokensPerSecond}/s");
        model.Release();
        await Task.WhenAll(pages.Select(p => p.WaitForAsync(".bubble.customer:not(.streaming)")));
        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var browserCpu = BrowserCpu.Total() - browserCpuBefore;
        var gcs = string.Join("/", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]));
        var paused = GC.GetTotalPauseDuration() - pausedBefore;

        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetAfter = Environment.WorkingSet;

        var latencies = new List<double>();
        var csv = csvPath is null ? null : new System.Text.StringBuilder("stream,token,token_to_dom_ms\n");
        List<double>[] byPart = [[], [], []];
        foreach (var page in pages)
        {
            var stamps = await page.EvaluateAsync("({ request: window.__request, seen: window.__seen })");
            if (stamps.GetProperty("request").ValueKind != JsonValueKind.Number ||
                !model.SentAt.TryGetValue(stamps.GetProperty("request").GetInt32(), out var sent)) continue;
            var request = stamps.GetProperty("request").GetInt32();
            foreach (var token in stamps.GetProperty("seen").EnumerateObject())
            {
                var index = int.Parse(token.Name, CultureInfo.InvariantCulture);
                var ms = (double)(token.Value.GetInt64() - sent[index]);
                latencies.Add(ms);
                csv?.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{request},{index},{ms}"));
                byPart[Math.Min(index * 3 / (Tokens + 1), 2)].Add(ms);
            }
        }
        if (csv is not null) await File.WriteAllTextAsync(csvPath!, csv.ToString());
        if (latencies.Count < streams * Tokens * 0.9)
            Log.Info($"warning: only {latencies.Count} of {streams * Tokens} tokens were observed");

        var cpuPct = cpu.TotalMilliseconds / (wall.Elapsed.TotalMilliseconds * Environment.ProcessorCount) * 100;
        var kbPerCircuit = Math.Max(0, memoryAfter - memoryBefore) / 1024.0 / streams;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"streaming streams={streams} token_to_dom_p50_ms={Percentile.Of(latencies, 50):0.0} token_to_dom_p95_ms={Percentile.Of(latencies, 95):0.0} server_cpu_pct={cpuPct:0.0} kb_per_circuit={kbPerCircuit:0}"));

        Log.Info("token_to_dom p50/p95 by third of the stream: " + string.Join(", ", byPart.Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{Percentile.Of(p, 50):0}/{Percentile.Of(p, 95):0} ms"))) +
            string.Create(CultureInfo.InvariantCulture, $"; streaming took {wall.Elapsed.TotalSeconds:0.0} s; GCs gen0/1/2 {gcs}, paused {paused.TotalMilliseconds:0} ms"));
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"process working set grew {(workingSetAfter - workingSetBefore) / 1024.0 / streams:0} KB per circuit (managed heap and native memory, e.g. socket buffers)"));
        if (browserCpu is { } chromium)
            Log.Info(string.Create(CultureInfo.InvariantCulture,
                $"Chromium used {chromium.TotalMilliseconds / (wall.Elapsed.TotalMilliseconds * Environment.ProcessorCount) * 100:0.0}% of the machine meanwhile ({(paint ? "windows open, painting" : "windows minimised, not painting")})"));
        foreach (var page in pages) await page.CloseAsync();
        for (var i = 0; i < 10; i++) { await Task.Delay(1000); GC.Collect(); GC.WaitForPendingFinalizers(); }
        var memoryClosed = GC.GetTotalMemory(forceFullCollection: true);
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"after closing the {streams} pages: heap {memoryClosed / 1024.0 / 1024.0:0.0} MB, released {(memoryAfter - memoryClosed) / 1024.0 / streams:0} KB per page (before {memoryBefore / 1024.0 / 1024.0:0.0} MB, live {memoryAfter / 1024.0 / 1024.0:0.0} MB)"));
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        return 0;
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
            var scenarios = scope.ServiceProvider.GetRequiredService<ScenarioService>();
            scenarioId = await scenarios.CreateAsync(doc);
            await scenarios.PublishAsync(scenarioId);
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
                learner = new ApplicationUser { OrganisationId = admin.OrganisationId, Role = OrgRole.Learner, DisplayName = $"Learner {i}", UserName = email, Email = email, EmailConfirmed = true };
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

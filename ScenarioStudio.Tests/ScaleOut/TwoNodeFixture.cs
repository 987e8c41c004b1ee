using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.ScaleOut;

/// <summary>
/// Two instances of the real app as separate processes (so one can be killed), Kestrel on two loopback ports, with the
/// same configuration: one SQLite file (WAL) and one Redis. The test process is a third party to the same database
/// (<see cref="Data"/>: seeding and checks through the real services) and drives one headless Chromium.
/// </summary>
public sealed class TwoNodeFixture : IAsyncLifetime
{
    private readonly TestRedis redis = new();
    private readonly string directory = Path.Combine(Path.GetTempPath(), "scenariostudio-nodes", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, Node> nodes = [];
    private IPlaywright? playwright;

    public string Prefix { get; } = TestRedis.NewPrefix();
    public string RedisConnection => redis.Connection;
    /// <summary>The shared database as the test sees it; its clock is the test's, the nodes' is real.</summary>
    public TestDatabase Data { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public string UrlA => nodes["A"].Url;
    public string UrlB => nodes["B"].Url;

    /// <summary>How long a dead node's claim on a stream outlives it.</summary>
    public const int StreamClaimSeconds = 2;

    private Dictionary<string, string> Settings(int port, IReadOnlyDictionary<string, string>? extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Storage__DataDirectory"] = directory,
            ["Redis__Connection"] = redis.Connection,
            ["Redis__KeyPrefix"] = Prefix,
            ["Redis__StreamClaimSeconds"] = StreamClaimSeconds.ToString(),
            ["RateLimits__SignInPerMinute"] = "1000",
            ["Ai__Offline__WordDelayMs"] = "3",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        // The engine under test (TEST_DATABASE): both nodes share its database.
        foreach (var (key, value) in TestEngine.Settings(directory)) settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        return settings;
    }

    public async Task InitializeAsync()
    {
        await redis.InitializeAsync();
        // The database exists and is migrated before either node starts, as after a deployment's first node.
        Data = new TestDatabase
        {
            DataDirectory = directory,
            Settings = new Dictionary<string, string?> { ["Redis:Connection"] = redis.Connection, ["Redis:KeyPrefix"] = Prefix },
        };
        await Data.InitializeAsync();
        await StartAsync("A");
        await StartAsync("B");

        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A browser context of its own (its own cookies, which a browser sends to both nodes: same host, other port).</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        return context;
    }

    /// <summary>Starts (or restarts, on the same port) a node, with settings beyond the shared ones, and waits for its health check.</summary>
    public async Task StartAsync(string name, IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = nodes.TryGetValue(name, out var old) ? old.Port : FreePort();
        if (old is not null) await StopAsync(old);
        var (dll, contentRoot) = AppBuild();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = contentRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in Settings(port, extra)) start.Environment[key] = value;
        var log = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = nodes[name] = new Node(process, port, log, extra is { Count: > 0 });

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var until = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(200))
        {
            if (process.HasExited) throw new InvalidOperationException($"Node {name} exited at start:{Environment.NewLine}{node.Log}");
            try
            {
                if ((await http.GetAsync($"{node.Url}/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > until) throw new InvalidOperationException($"Node {name} did not become healthy:{Environment.NewLine}{node.Log}");
        }
    }

    /// <summary>Restarts, with the shared settings only, a node a test killed or started with settings of its own.</summary>
    public async Task EnsureRunningAsync()
    {
        foreach (var (name, node) in nodes.ToList())
        {
            if (node.Process.HasExited || node.Custom) await StartAsync(name);
        }
    }

    /// <summary>Kills the node's process outright (SIGKILL): nothing of it runs on, no shutdown, no clean-up.</summary>
    public async Task KillAsync(string name)
    {
        var process = nodes[name].Process;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public string LogOf(string name) => nodes[name].Log;

    /// <summary>The app as built beside this test assembly's configuration, and its project folder (its content root, as with dotnet run).</summary>
    private static (string Dll, string ContentRoot) AppBuild()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (tfm, configuration) = (bin.Name, bin.Parent!.Name);
        var root = bin;
        while (!File.Exists(Path.Combine(root.FullName, "ScenarioStudio.sln")))
            root = root.Parent ?? throw new InvalidOperationException("No ScenarioStudio.sln above the tests.");
        var project = Path.Combine(root.FullName, "ScenarioStudio");
        return (Path.Combine(project, "bin", configuration, tfm, "ScenarioStudio.dll"), project);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task StopAsync(Node node)
    {
        if (!node.Process.HasExited)
        {
            node.Process.Kill(entireProcessTree: true);
            await node.Process.WaitForExitAsync();
        }
        node.Process.Dispose();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        foreach (var node in nodes.Values) await StopAsync(node);
        await Data.DisposeAsync();
        await redis.DisposeAsync();
    }

    private sealed record Node(Process Process, int Port, StringBuilder LogText, bool Custom)
    {
        public string Url => $"http://127.0.0.1:{Port}";
        public string Log { get { lock (LogText) return LogText.ToString(); } }
    }
}

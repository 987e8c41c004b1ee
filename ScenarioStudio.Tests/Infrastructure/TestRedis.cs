using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// A real Redis for the scale-out tests: the one <c>.ci/run</c> started (<c>TEST_REDIS=host:port</c>), or else a
/// <c>redis-server</c> of this machine started on a free loopback port in a temp folder, without persistence, and
/// shut down on dispose. Without either the tests fail and say how to get one. Tests isolate themselves by a key
/// prefix of their own (<see cref="NewPrefix"/>), so they can share one server.
/// </summary>
public sealed class TestRedis : IAsyncLifetime
{
    private Process? server;
    private string? directory;

    /// <summary>A StackExchange.Redis configuration string for the server.</summary>
    public string Connection { get; private set; } = "";

    public static string NewPrefix() => $"test-{Guid.NewGuid():N}:";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_REDIS") is { Length: > 0 } shared)
        {
            Connection = shared;
            return;
        }
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "The scale-out tests need Redis: install Debian's redis-server (apt-get install redis-server) or set TEST_REDIS=host:port.");
        directory = Directory.CreateTempSubdirectory("scenariostudio-redis").FullName;
        var port = FreePort();
        server = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        Connection = $"127.0.0.1:{port}";
        for (var waited = 0; ; waited += 50)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (waited < 10_000 && !server.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (server is { HasExited: false })
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
        server?.Dispose();
        if (directory is not null) try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

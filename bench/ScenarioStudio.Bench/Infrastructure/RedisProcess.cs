using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port in a temp folder, without persistence, stopped on dispose; or the one
/// <c>BENCH_REDIS=host:port</c> names.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private Process? server;
    private string? directory;

    public string Connection { get; private set; } = "";

    public static async Task<RedisProcess> StartAsync()
    {
        var redis = new RedisProcess();
        if (Environment.GetEnvironmentVariable("BENCH_REDIS") is { Length: > 0 } shared)
        {
            redis.Connection = shared;
            return redis;
        }
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new BenchUsageException("This benchmark needs Redis: apt-get install redis-server, or set BENCH_REDIS=host:port.");
        redis.directory = Directory.CreateTempSubdirectory("scenariostudio-bench-redis").FullName;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        redis.server = Process.Start(new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", redis.directory, "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        redis.server.OutputDataReceived += (_, _) => { };
        redis.server.ErrorDataReceived += (_, _) => { };
        redis.server.BeginOutputReadLine();
        redis.server.BeginErrorReadLine();
        redis.Connection = $"127.0.0.1:{port}";
        for (var waited = 0; ; waited += 50)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return redis;
            }
            catch (SocketException) when (waited < 10_000 && !redis.server.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
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

/// <summary>Disposes each of a list, last first.</summary>
public sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var item in items.Reverse()) await item.DisposeAsync();
    }
}

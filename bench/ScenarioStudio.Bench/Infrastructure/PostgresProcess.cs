using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>
/// A PostgreSQL server for <c>--provider postgres</c>: the one <c>BENCH_POSTGRES</c> names (a connection string without a
/// database, whose user may create databases), or else a throwaway cluster of Debian's <c>postgresql</c> package (initdb and
/// pg_ctl in a temp folder, on a free loopback port, as the <c>postgres</c> user when run as root), stopped and deleted on
/// dispose. The cluster keeps PostgreSQL's defaults (shared_buffers 128 MB) except fsync=off, which speeds the load and
/// not the timed reads.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private string? directory, binaries;
    private readonly List<string> databases = [];

    public string Server { get; private set; } = "";

    private bool keep;

    /// <summary>With <paramref name="keep"/> the databases are left on a shared server (<c>BENCH_POSTGRES</c>) for a look afterwards.</summary>
    public static async Task<PostgresProcess> StartAsync(bool keep = false)
    {
        var postgres = new PostgresProcess { keep = keep };
        if (Environment.GetEnvironmentVariable("BENCH_POSTGRES") is { Length: > 0 } shared)
        {
            postgres.Server = shared;
            return postgres;
        }
        postgres.binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists)
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version()).LastOrDefault()
            : null;
        if (postgres.binaries is null)
            throw new BenchUsageException("--provider postgres needs PostgreSQL: apt-get install postgresql, or set BENCH_POSTGRES to a server.");
        postgres.directory = Directory.CreateTempSubdirectory("scenariostudio-bench-pg").FullName;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        if (Environment.UserName == "root") await RunAsync("chown", "postgres", postgres.directory);
        await postgres.AsServerUserAsync("initdb", "-D", Path.Combine(postgres.directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8");
        await postgres.AsServerUserAsync("pg_ctl", "-D", Path.Combine(postgres.directory, "data"), "-l", Path.Combine(postgres.directory, "server.log"),
            "-w", "-o", $"-p {port} -k {postgres.directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        postgres.Server = $"Host=127.0.0.1;Port={port};Username=postgres";
        return postgres;
    }

    /// <summary>A connection string to a new database of its own (dropped on dispose).</summary>
    public string NewDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        databases.Add(name);
        if (keep) Log.Info($"database {name} on {Server}");
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
    }

    private Task AsServerUserAsync(string program, params string[] args)
    {
        var path = Path.Combine(binaries!, program);
        return Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (directory is null)
        {
            // A shared server: drop what this run created.
            foreach (var name in databases.Where(_ => !keep))
            {
                var maintenance = new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false };
                await using var connection = new NpgsqlConnection(maintenance.ToString());
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            return;
        }
        try { await AsServerUserAsync("pg_ctl", "-D", Path.Combine(directory, "data"), "-m", "immediate", "stop"); }
        catch (InvalidOperationException e) { Log.Info(e.Message); }
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

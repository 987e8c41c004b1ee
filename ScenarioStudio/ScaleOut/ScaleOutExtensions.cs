using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScenarioStudio.Practice;
using StackExchange.Redis;

namespace ScenarioStudio.ScaleOut;

/// <summary>The <c>Redis</c> section: set <see cref="Connection"/> when the app runs on more than one node.</summary>
public sealed class ScaleOutOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string ("redis1:6379,password=…,ssl=true"); empty = one node, no Redis.</summary>
    public string Connection { get; set; } = "";

    /// <summary>Keys and channels start with it, so several installs can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "scenariostudio:";

    /// <summary>
    /// How long a node's claim on a session's AI stream lasts unless renewed (renewed every third of it while streaming):
    /// after a node dies mid-stream, the session can be answered on another node after at most this long.
    /// </summary>
    public int StreamClaimSeconds { get; set; } = 30;

    public static bool IsOn(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[$"{Section}:{nameof(Connection)}"]);
}

public static class ScaleOutExtensions
{
    /// <summary>
    /// With <c>Redis:Connection</c> set, replaces the in-process hubs and the stream registry by their Redis
    /// implementations and adds the SignalR backplane; the Data Protection key ring then lives in the database
    /// (<see cref="Data.DataStorageExtensions.AddDataStorage"/>). Without it nothing changes: one node, no Redis.
    /// Runs after every feature has registered its in-process defaults.
    /// </summary>
    public static IHostApplicationBuilder AddScaleOut(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ScaleOutOptions>(builder.Configuration.GetSection(ScaleOutOptions.Section));
        services.TryAddSingleton(typeof(ILiveEvents<>), typeof(InProcessLiveEvents<>));
        services.TryAddSingleton<ILiveAiTurns, InProcessLiveAiTurns>();
        if (!ScaleOutOptions.IsOn(builder.Configuration)) return builder;

        var options = builder.Configuration.GetSection(ScaleOutOptions.Section).Get<ScaleOutOptions>()!;
        services.AddSingleton(new ScaleOutNode { Prefix = options.KeyPrefix });
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(options.Connection, sp.GetRequiredService<ILoggerFactory>()));
        services.Replace(ServiceDescriptor.Singleton(typeof(ILiveEvents<>), typeof(RedisLiveEvents<>)));
        services.Replace(ServiceDescriptor.Singleton<ILiveAiTurns, RedisLiveAiTurns>());
        // Blazor Server's circuits stay on the node that opened them (sticky sessions); the backplane carries SignalR's
        // group and user messages between nodes, and the hubs of the app's own endpoints if it gets any.
        services.AddSignalR().AddStackExchangeRedis(options.Connection,
            o => o.Configuration.ChannelPrefix = RedisChannel.Literal(options.KeyPrefix + "signalr"));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        return builder;
    }

    /// <summary>Connects at start-up, so a wrong <c>Redis:Connection</c> stops the app with a message instead of failing a page later.</summary>
    public static void ConnectScaleOut(this IServiceProvider services)
    {
        if (ScaleOutOptions.IsOn(services.GetRequiredService<IConfiguration>())) services.GetRequiredService<IConnectionMultiplexer>();
    }

    private static ConnectionMultiplexer Connect(string connection, ILoggerFactory logs)
    {
        try
        {
            return ConnectionMultiplexer.Connect(connection);
        }
        catch (RedisConnectionException ex)
        {
            logs.CreateLogger(typeof(ScaleOutExtensions)).LogCritical(ex, "Redis is unreachable.");
            throw new InvalidOperationException(
                $"Could not connect to Redis ({ex.Message}). Check Redis:Connection, or leave it empty to run on one node. See README, \"Scale out\".", ex);
        }
    }
}

/// <summary>The load balancer's health probe fails on a node that has lost Redis: its pages would miss other nodes' events.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.", ex);
        }
    }
}

using System.Text.Json;
using StackExchange.Redis;

namespace ScenarioStudio.ScaleOut;

/// <summary>
/// Cross-circuit signals of one kind (a session completed, a member's notifications changed): open pages subscribe
/// and re-load. A singleton. Handlers run on the publisher's thread (or Redis's), so subscribers hop onto their own
/// circuit with InvokeAsync and dispose the subscription with the page.
/// </summary>
public interface ILiveEvents<T>
{
    IDisposable Subscribe(Action<T> handler);

    /// <summary>Tells every subscriber, on this node and (scaled out) on every other node, once each.</summary>
    void Publish(T message);
}

/// <summary>One node: the handlers of this process.</summary>
public sealed class InProcessLiveEvents<T> : ILiveEvents<T>
{
    private readonly LocalHandlers<T> handlers = new();

    public IDisposable Subscribe(Action<T> handler) => handlers.Add(handler);

    public void Publish(T message) => handlers.Raise(message);
}

/// <summary>
/// Several nodes: delivered to this node's handlers at once and published on a Redis channel for the others. Each
/// message carries the publishing node's id and a node skips its own, so no handler hears a message twice.
/// </summary>
public sealed class RedisLiveEvents<T> : ILiveEvents<T>, IDisposable
{
    private readonly LocalHandlers<T> handlers = new();
    private readonly ISubscriber subscriber;
    private readonly RedisChannel channel;
    private readonly ScaleOutNode node;
    private readonly ILogger<RedisLiveEvents<T>> log;

    public RedisLiveEvents(IConnectionMultiplexer redis, ScaleOutNode node, ILogger<RedisLiveEvents<T>> log)
    {
        (subscriber, channel, this.node, this.log) = (redis.GetSubscriber(), RedisChannel.Literal($"{node.Prefix}events:{typeof(T).Name}"), node, log);
        subscriber.Subscribe(channel, (_, value) => Receive(value));
    }

    public IDisposable Subscribe(Action<T> handler) => handlers.Add(handler);

    public void Publish(T message)
    {
        handlers.Raise(message);
        // Fire and forget: the change is committed already; a node that misses a signal shows it on its next load.
        try
        {
            subscriber.Publish(channel, JsonSerializer.Serialize(new Envelope(node.Id, message)), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            log.LogWarning(ex, "A live event could not be published on Redis channel {Channel}; other nodes show it on their next load.", channel);
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(value.ToString());
            if (envelope is null || envelope.Node == node.Id) return;
            handlers.Raise(envelope.Message);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "A live event from Redis channel {Channel} could not be delivered.", channel);
        }
    }

    public void Dispose() => subscriber.Unsubscribe(channel);

    private sealed record Envelope(Guid Node, T Message);
}

/// <summary>This process among the nodes sharing one Redis: its id marks what it published; keys share the prefix.</summary>
public sealed class ScaleOutNode
{
    public Guid Id { get; } = Guid.NewGuid();
    public string Prefix { get; init; } = "scenariostudio:";
}

/// <summary>The subscribers of one node, called outside the lock so a handler may subscribe or unsubscribe.</summary>
internal sealed class LocalHandlers<T>
{
    private readonly List<Action<T>> handlers = [];

    public IDisposable Add(Action<T> handler)
    {
        lock (handlers) handlers.Add(handler);
        return new Subscription(() => { lock (handlers) handlers.Remove(handler); });
    }

    public void Raise(T message)
    {
        Action<T>[] current;
        lock (handlers) current = [.. handlers];
        foreach (var handler in current) handler(message);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

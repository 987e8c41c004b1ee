namespace ScenarioStudio.Practice;

/// <summary>
/// Cross-circuit notifications: a learner finished a session. Singleton; open dashboards subscribe and re-load.
/// Handlers run on the publisher's thread, so subscribers hop onto their own circuit with InvokeAsync.
/// </summary>
public sealed class PracticeEvents
{
    private readonly List<Action<Guid, string>> handlers = [];

    public IDisposable OnSessionCompleted(Action<Guid, string> handler)
    {
        lock (handlers) handlers.Add(handler);
        return new Subscription(() => { lock (handlers) handlers.Remove(handler); });
    }

    public void SessionCompleted(Guid organisationId, string learnerId)
    {
        Action<Guid, string>[] current;
        lock (handlers) current = [.. handlers];
        foreach (var handler in current) handler(organisationId, learnerId);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

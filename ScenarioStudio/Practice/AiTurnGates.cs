using System.Collections.Concurrent;

namespace ScenarioStudio.Practice;

/// <summary>At most one live AI stream per practice session, whichever tab or circuit asks. A singleton.</summary>
public sealed class LiveAiTurns
{
    private readonly ConcurrentDictionary<Guid, byte> live = new();

    /// <summary>Claims the session's stream; null when another tab already streams it. Disposing releases it.</summary>
    public IDisposable? TryClaim(Guid sessionId) => live.TryAdd(sessionId, 0) ? new Claim(() => live.TryRemove(sessionId, out _)) : null;

    private sealed class Claim(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}

/// <summary>
/// The end of each AI turn is saved one at a time: the database (SQLite) takes one writer at a time and a waiting
/// writer blocks its thread, while waiting here is asynchronous, so when many learners' turns end together the
/// threads stay free for their pages (the streaming benchmark ends 25 turns in the same instant). A singleton:
/// one gate for the one database.
/// </summary>
public sealed class TurnSaveGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> save)
    {
        await gate.WaitAsync();
        try
        {
            return await save();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

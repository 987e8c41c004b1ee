using System.Runtime.CompilerServices;
using System.Text;
using ScenarioStudio.Ai;

namespace ScenarioStudio.Practice;

/// <summary>
/// Reads one AI turn from the engine: passes its tokens on, keeps the whole text and the assessment, and turns
/// the ways a stream ends into what the learner sees. Cancelling the caller's token is Stop (<see cref="Stopped"/>);
/// no token for <paramref name="idleTimeout"/>, or any provider failure, is an <see cref="AiProviderException"/>.
/// </summary>
internal sealed class AiTurnReader(IAsyncEnumerable<CoachEvent> source, TimeSpan idleTimeout)
{
    private readonly StringBuilder text = new();

    public string Text => text.ToString();
    public Assessment? Assessment { get; private set; }
    public bool Stopped { get; private set; }

    public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(idleTimeout);
        await using var e = source.WithCancellation(idle.Token).GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync()) yield break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Stopped = true;
                yield break;
            }
            catch (OperationCanceledException ex)
            {
                throw new AiProviderException(
                    $"The AI provider stopped answering for {idleTimeout.TotalSeconds:0} seconds. Retry, or ask an Admin to check the AI settings.", ex);
            }
            catch (Exception ex) when (ex is not AiProviderException)
            {
                throw new AiProviderException("The AI provider failed: " + ex.Message, ex);
            }
            idle.CancelAfter(idleTimeout);
            if (e.Current.Assessment is { } a) Assessment = a;
            if (e.Current.Text is { } token)
            {
                text.Append(token);
                yield return token;
            }
        }
    }
}

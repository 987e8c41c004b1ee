using System.Runtime.CompilerServices;
using System.Text;
using ScenarioStudio.Ai;

namespace ScenarioStudio.Practice;

/// <summary>
/// Reads one AI turn from the engine: passes its tokens on, keeps the whole text and the assessment, and turns
/// the ways a stream ends into what the learner sees. Cancelling the caller's token is Stop (<see cref="Stopped"/>);
/// no token for <paramref name="idleTimeout"/>, or any provider failure, is an <see cref="AiProviderException"/> with a
/// plain message for the learner and the provider's own words as its detail, handed to <paramref name="onProblem"/>
/// (which records it for the Admin) before it is thrown.
/// </summary>
internal sealed class AiTurnReader(IAsyncEnumerable<CoachEvent> source, TimeSpan idleTimeout, Func<AiProviderException, Task> onProblem)
{
    public const string TimeoutMessage = "The AI took too long to answer. Retry in a moment.";
    public const string FailureMessage = "The AI couldn't answer just now. Retry in a moment; if it keeps happening, tell your Admin.";

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
                var problem = new AiProviderException(TimeoutMessage, ex,
                    $"The AI provider sent nothing for {idleTimeout.TotalSeconds:0} seconds (the timeout under Administration → AI).");
                await onProblem(problem);
                throw problem;
            }
            catch (AiProviderException ex)
            {
                await onProblem(ex);
                throw;
            }
            catch (Exception ex)
            {
                var problem = new AiProviderException(FailureMessage, ex);
                await onProblem(problem);
                throw problem;
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

using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ScenarioStudio.Ai;

public sealed class OfflineAiOptions
{
    /// <summary>Pause between streamed words, so the offline engine reads like a person typing. 0 in tests.</summary>
    public int WordDelayMs { get; set; } = 25;
}

/// <summary>
/// The built-in offline engine, the default: plays the customer from the authored persona, openings and objections,
/// and coaches from the phase's success criteria, mistakes, facts and rubric (see <see cref="Coach.CoachJudge"/>).
/// Needs no key and no network; the same answer always gets the same score.
/// </summary>
public sealed class ScriptedPracticeAi(IOptions<OfflineAiOptions> options, Coach.CoachJudge judge) : IPracticeAi
{
    public IAsyncEnumerable<string> StreamCustomerAsync(CustomerRequest request, CancellationToken ct) =>
        WordsAsync(new ScriptedCustomer(judge).Line(request), ct);

    public async IAsyncEnumerable<CoachEvent> StreamCoachAsync(CoachRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var assessment = judge.Assess(request.Scenario, request.PhaseIndex, request.Answer);
        int? firstScore = request.FirstAttempt is null ? null : judge.Assess(request.Scenario, request.PhaseIndex, request.FirstAttempt).Overall;
        await foreach (var word in WordsAsync(ScriptedCoach.Narrate(assessment, firstScore), ct))
            yield return CoachEvent.Token(word);
        yield return CoachEvent.Done(assessment);
    }

    private async IAsyncEnumerable<string> WordsAsync(string text, [EnumeratorCancellation] CancellationToken ct)
    {
        var delay = options.Value.WordDelayMs;
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ' ') continue;
            ct.ThrowIfCancellationRequested();
            yield return text[start..i];
            start = i;
            if (delay > 0) await Task.Delay(delay, ct);
        }
    }
}

using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai;

/// <summary>What the customer should say next.</summary>
/// <param name="Turn">0 for the phase opening; n for the n-th pushback after a missed objective.</param>
/// <param name="AfterMetPhase">The previous phase was met: the customer acknowledges before moving on.</param>
public sealed record CustomerRequest(
    ScenarioDocument Scenario,
    int PhaseIndex,
    int Turn,
    bool AfterMetPhase,
    IReadOnlyList<PracticeMessage> History);

/// <summary>A learner answer to assess. <see cref="FirstAttempt"/> is set when this is the repeat.</summary>
public sealed record CoachRequest(
    ScenarioDocument Scenario,
    int PhaseIndex,
    string CustomerLine,
    string Answer,
    string? FirstAttempt,
    IReadOnlyList<PracticeMessage> History);

/// <summary>A piece of the coach's reply: streamed text, then exactly one assessment at the end.</summary>
public sealed record CoachEvent(string? Text, Assessment? Assessment)
{
    public static CoachEvent Token(string text) => new(text, null);
    public static CoachEvent Done(Assessment assessment) => new(null, assessment);
}

/// <summary>
/// The roleplay's two AI voices. Both stream: tokens arrive as they are produced and go straight into the page.
/// Implementations: <see cref="ScriptedPracticeAi"/> (offline, deterministic) and <see cref="KernelPracticeAi"/> (Semantic Kernel).
/// </summary>
public interface IPracticeAi
{
    IAsyncEnumerable<string> StreamCustomerAsync(CustomerRequest request, CancellationToken ct);

    IAsyncEnumerable<CoachEvent> StreamCoachAsync(CoachRequest request, CancellationToken ct);
}

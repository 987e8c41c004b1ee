using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Authoring;

public enum Improvement { SuggestObjections, SuggestPhrases, WarmerIdealResponse, BrieferIdealResponse, SuggestHiddenInformation, TougherCustomer }

/// <summary>
/// A suggestion for one part of a phase (<see cref="PhaseIndex"/> 0…) or of the persona (<see cref="PersonaPart"/>), to show
/// beside the current text; nothing changes until the creator accepts it. <see cref="Persona"/> carries a persona rewrite's fields.
/// </summary>
public sealed record Suggestion(Improvement Kind, int PhaseIndex, IReadOnlyList<string> Current, IReadOnlyList<string> Suggested,
    PersonaRewrite? Persona = null)
{
    public const int PersonaPart = -1;
}

/// <summary>A rewrite of how the customer behaves: the fields a "tougher customer" changes.</summary>
public sealed record PersonaRewrite(IReadOnlyList<string> Traits, string StartingMood, string SpeakingStyle)
{
    public IReadOnlyList<string> Lines() => [$"Traits: {string.Join(", ", Traits)}", $"Mood at the start: {StartingMood}", $"Speaking style: {SpeakingStyle}"];
}

/// <summary>
/// "Improve a part": one provider call suggests objections or phrases for a phase, rewrites its ideal response more
/// warmly or more briefly, suggests hidden information for the persona or makes the customer tougher. Counted against the
/// AI limits and recorded like a draft's calls; the reply is read as distrustfully.
/// </summary>
public sealed class PartImprover(CurrentUser currentUser, AiGate gate, ILogger<PartImprover> log)
{
    public static bool IsForPersona(Improvement kind) => kind is Improvement.SuggestHiddenInformation or Improvement.TougherCustomer;

    public async Task<Suggestion> SuggestAsync(ScenarioDocument doc, int phaseIndex, Improvement kind, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        if (!Enum.IsDefined(kind)) throw new ValidationFailedException("Improvement", "Choose what to improve.");
        if (IsForPersona(kind) ? phaseIndex != Suggestion.PersonaPart : phaseIndex < 0 || phaseIndex >= doc.Phases.Count)
            throw new ValidationFailedException("Phases", "There is no such phase.");
        var settings = await gate.SettingsAsync(caller, ct);
        if (settings.Provider == AiProvider.Offline)
            throw new AiProviderException("Suggestions need an AI provider: an Admin can set one under Administration → AI provider.");
        var persona = doc.Persona;
        var system = $"""
            You help a trainer improve one part of a roleplay training scenario. Reply with one JSON object only, plain text in every field,
            in the scenario's language ({doc.Locale}).
            Scenario: "{doc.Title}". {doc.Description}
            Customer: {persona.Name}, {persona.Role}. Traits: {string.Join(", ", persona.Traits)}. Mood at the start: {persona.StartingMood}.
            Goals: {string.Join("; ", persona.Goals)}. Speaking style: {persona.SpeakingStyle}
            Learner brief: {doc.Context.LearnerBrief.ReplaceLineEndings(" ")}
            """;
        if (!IsForPersona(kind))
        {
            var p = doc.Phases[phaseIndex];
            system += $"""

                Phase {phaseIndex + 1}: "{p.Name}". {p.Description}
                Objectives: {string.Join("; ", p.Objectives)}
                The customer opens with: "{p.CustomerOpening}"
                """;
        }
        var call = new DraftCall(gate, caller, settings, gate.CreateChat(settings), log);
        var reply = await call.JsonAsync(system, Instruction(doc, phaseIndex, kind), "suggestion", ct, purpose: "Improve");
        if (kind == Improvement.TougherCustomer)
        {
            var rewrite = new PersonaRewrite(DraftReader.List(reply, "traits").Where(t => t.Length <= 60).Take(6).ToList(),
                Short(DraftReader.Str(reply, "startingMood")), Short(DraftReader.Str(reply, "speakingStyle")));
            if (rewrite.Traits.Count == 0 || rewrite.StartingMood.Length == 0 || rewrite.SpeakingStyle.Length == 0)
                throw new AiProviderException("The AI made no usable suggestion. Try again.", detail: "Improve a part: the persona rewrite missed a field.");
            return new Suggestion(kind, phaseIndex, new PersonaRewrite(persona.Traits, persona.StartingMood, persona.SpeakingStyle).Lines(),
                rewrite.Lines(), rewrite);
        }
        List<string> suggested = kind is Improvement.WarmerIdealResponse or Improvement.BrieferIdealResponse
            ? [DraftReader.Str(reply, "text")]
            : DraftReader.List(reply, "items").Where(i => i.Length <= DraftReader.MaxItem).Take(10).ToList();
        if (suggested.All(s => s.Length == 0))
            throw new AiProviderException("The AI made no usable suggestion. Try again.", detail: "Improve a part: the reply held no items or text.");
        return new Suggestion(kind, phaseIndex, Current(doc, phaseIndex, kind), suggested);
    }

    private static string Short(string s) => s.Length <= DraftReader.MaxShort ? s : s[..DraftReader.MaxShort];

    private static IReadOnlyList<string> Current(ScenarioDocument doc, int phaseIndex, Improvement kind) => kind switch
    {
        Improvement.SuggestHiddenInformation => doc.Persona.HiddenInformation,
        Improvement.SuggestObjections => doc.Phases[phaseIndex].FollowUpObjections,
        Improvement.SuggestPhrases => doc.Phases[phaseIndex].EssentialPhrases,
        _ => [doc.Phases[phaseIndex].IdealResponse],
    };

    private static string Instruction(ScenarioDocument doc, int phaseIndex, Improvement kind)
    {
        if (kind == Improvement.SuggestHiddenInformation)
            return "Suggest 3 facts the customer knows but only tells a learner who asks the right questions (budget, a competitor's offer, "
                + "what really matters to them), different from these: " + string.Join("; ", doc.Persona.HiddenInformation)
                + """. JSON: {"items": ["…"]}""";
        if (kind == Improvement.TougherCustomer)
            return "Make this customer harder to handle but still realistic and fair: more sceptical, less patient, quicker to push back. "
                + "Keep who they are (name, role, goals). "
                + """JSON: {"traits": ["3 to 5 traits"], "startingMood": "how they feel at the start", "speakingStyle": "how they talk, one sentence"}""";
        var p = doc.Phases[phaseIndex];
        return kind switch
        {
            Improvement.SuggestObjections => "Suggest 3 realistic follow-up objections the customer raises when the learner misses the objective, "
                + "different from these: " + string.Join("; ", p.FollowUpObjections) + """. JSON: {"items": ["…"]}""",
            Improvement.SuggestPhrases => "Suggest 5 essential phrases the learner should use in this phase, building on these: "
                + string.Join("; ", p.EssentialPhrases) + """. JSON: {"items": ["…"]}""",
            Improvement.WarmerIdealResponse => $"Rewrite this ideal response more warmly, keeping every fact and figure: \"{p.IdealResponse}\". "
                + """JSON: {"text": "…"}""",
            _ => $"Rewrite this ideal response more briefly (at most half as long), keeping every fact and figure: \"{p.IdealResponse}\". "
                + """JSON: {"text": "…"}""",
        };
    }
}

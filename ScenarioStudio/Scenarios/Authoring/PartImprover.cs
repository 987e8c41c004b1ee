using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Authoring;

public enum Improvement { SuggestObjections, SuggestPhrases, WarmerIdealResponse, BrieferIdealResponse }

/// <summary>A suggestion for one part of a phase, to show beside the current text; nothing changes until the creator accepts it.</summary>
public sealed record Suggestion(Improvement Kind, int PhaseIndex, IReadOnlyList<string> Current, IReadOnlyList<string> Suggested);

/// <summary>
/// "Improve a part": one provider call suggests objections or phrases for a phase, or rewrites its ideal response more
/// warmly or more briefly. Counted against the AI limits and recorded like a draft's calls; the reply is read as distrustfully.
/// </summary>
public sealed class PartImprover(CurrentUser currentUser, AiGate gate, ILogger<PartImprover> log)
{
    public async Task<Suggestion> SuggestAsync(ScenarioDocument doc, int phaseIndex, Improvement kind, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        if (phaseIndex < 0 || phaseIndex >= doc.Phases.Count) throw new ValidationFailedException("Phases", "There is no such phase.");
        if (!Enum.IsDefined(kind)) throw new ValidationFailedException("Improvement", "Choose what to improve.");
        var settings = await gate.SettingsAsync(caller, ct);
        if (settings.Provider == AiProvider.Offline)
            throw new AiProviderException("Suggestions need an AI provider: an Admin can set one under Administration → AI provider.");
        var p = doc.Phases[phaseIndex];
        var system = $"""
            You help a trainer improve one part of a roleplay training scenario. Reply with one JSON object only, plain text in every field,
            in the scenario's language ({doc.Locale}).
            Scenario: "{doc.Title}". Customer: {doc.Persona.Name}, {doc.Persona.Role}, {doc.Persona.StartingMood}.
            Phase {phaseIndex + 1}: "{p.Name}". {p.Description}
            Objectives: {string.Join("; ", p.Objectives)}
            The customer opens with: "{p.CustomerOpening}"
            """;
        var (instruction, current) = kind switch
        {
            Improvement.SuggestObjections => ("Suggest 3 realistic follow-up objections the customer raises when the learner misses the objective, "
                + "different from these: " + string.Join("; ", p.FollowUpObjections) + """. JSON: {"items": ["…"]}""", p.FollowUpObjections),
            Improvement.SuggestPhrases => ("Suggest 5 essential phrases the learner should use in this phase, building on these: "
                + string.Join("; ", p.EssentialPhrases) + """. JSON: {"items": ["…"]}""", p.EssentialPhrases),
            Improvement.WarmerIdealResponse => ($"Rewrite this ideal response more warmly, keeping every fact and figure: \"{p.IdealResponse}\". "
                + """JSON: {"text": "…"}""", [p.IdealResponse]),
            _ => ($"Rewrite this ideal response more briefly (at most half as long), keeping every fact and figure: \"{p.IdealResponse}\". "
                + """JSON: {"text": "…"}""", (List<string>)[p.IdealResponse]),
        };
        var call = new DraftCall(gate, caller, settings, gate.CreateChat(settings), log);
        var reply = await call.JsonAsync(system, instruction, "suggestion", ct, purpose: "Improve");
        List<string> suggested = kind is Improvement.SuggestObjections or Improvement.SuggestPhrases
            ? DraftReader.List(reply, "items").Where(i => i.Length <= DraftReader.MaxItem).Take(10).ToList()
            : [DraftReader.Str(reply, "text")];
        if (suggested.All(s => s.Length == 0))
            throw new AiProviderException("The AI made no usable suggestion. Try again.", detail: "Improve a part: the reply held no items or text.");
        return new Suggestion(kind, phaseIndex, current, suggested);
    }
}

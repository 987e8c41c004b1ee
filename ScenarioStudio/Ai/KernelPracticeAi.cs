using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Ai;

/// <summary>
/// Customer and coach played by a model behind any OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1, Ollama,
/// vLLM, LM Studio, llama.cpp server) through Semantic Kernel's chat completion connector.
/// Model output is untrusted: scores are parsed, checked against the rubric and retried once when malformed.
/// </summary>
public sealed class KernelPracticeAi : IPracticeAi
{
    public const string HttpClientName = "ai-provider";
    private const string ScoresMarker = "SCORES:";
    /// <summary>The last message of every customer request: a model that repeats it is echoing, not playing the customer.</summary>
    internal const string NextLineCue = "(Say your next line now.)";
    internal const string EchoMessage = "The AI customer's reply didn't make sense. Retry; if it keeps happening, tell your Admin.";

    private readonly IChatCompletionService chat;
    private readonly OrganisationAiSettings settings;

    public KernelPracticeAi(OrganisationAiSettings settings, string? apiKey, HttpClient http)
    {
        this.settings = settings;
        chat = CreateChat(settings, apiKey, http);
    }

    /// <summary>Semantic Kernel's chat completion service on an OpenAI-compatible endpoint (/v1 added when missing), no retries.</summary>
    public static IChatCompletionService CreateChat(OrganisationAiSettings settings, string? apiKey, HttpClient http)
    {
        if (!Uri.TryCreate(settings.Endpoint, UriKind.Absolute, out var baseUri))
            throw new AiProviderException("Missing or invalid AI endpoint. An Admin can set it under Administration → AI.");
        var path = baseUri.AbsolutePath.TrimEnd('/');
        var endpoint = new Uri(baseUri, path.EndsWith("/v1", StringComparison.Ordinal) ? path : path + "/v1");
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey),
            new OpenAIClientOptions { Endpoint = endpoint, Transport = new HttpClientPipelineTransport(http), RetryPolicy = new ClientRetryPolicy(0) });
        return Kernel.CreateBuilder().AddOpenAIChatCompletion(settings.Model, client).Build().GetRequiredService<IChatCompletionService>();
    }

    public async IAsyncEnumerable<string> StreamCustomerAsync(CustomerRequest r, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = r.Scenario;
        var phase = s.Phases[r.PhaseIndex];
        var instruction = r.Turn == 0
            ? (r.AfterMetPhase ? "Briefly acknowledge what the learner just said, then " : "")
                + $"open this phase. Say, in your own words: \"{phase.CustomerOpening}\""
            : $"The learner has not yet convinced you. Push back, in your own words: \"{Objection(phase, r.Turn)}\"";
        var system = Prompts.Fill("customer", new Dictionary<string, string>
        {
            ["name"] = s.Persona.Name, ["age"] = s.Persona.Age is { } age ? $", {age}" : "", ["role"] = s.Persona.Role,
            ["traits"] = string.Join(", ", s.Persona.Traits), ["mood"] = s.Persona.StartingMood, ["goals"] = string.Join("; ", s.Persona.Goals),
            ["hidden"] = string.Join("; ", s.Persona.HiddenInformation), ["style"] = s.Persona.SpeakingStyle, ["brief"] = s.Context.LearnerBrief,
            ["phase_name"] = phase.Name, ["phase_description"] = phase.Description, ["objectives"] = string.Join("; ", phase.Objectives),
            ["persona_prompt"] = s.Ai.PersonaPrompt, ["locale"] = s.Locale, ["instruction"] = instruction,
            ["verification"] = s.Context.VerificationFacts.Count == 0 ? "none are needed."
                : string.Join("; ", s.Context.VerificationFacts.Select(f => $"{f.Label}: {f.Value}")),
        });
        var history = new ChatHistory(system);
        foreach (var m in r.History.Where(m => m.Speaker != Speaker.Coach && !string.IsNullOrWhiteSpace(m.Text)))
        {
            if (m.Speaker == Speaker.Customer) history.AddAssistantMessage(m.Text);
            else history.AddUserMessage(m.Text);
        }
        history.AddUserMessage(NextLineCue);
        // A server that echoes the prompt (a misconfigured proxy, a completion endpoint without a chat template) would
        // put our own instructions in the customer's mouth. While the reply is still the start of one of them it is
        // held back; a real line differs within a few characters and then streams without delay.
        string[] echoes = [NextLineCue, system[..Math.Min(60, system.Length)]];
        var said = new StringBuilder();
        var held = true;
        await foreach (var chunk in chat.GetStreamingChatMessageContentsAsync(history, Settings(s), cancellationToken: ct))
        {
            if (string.IsNullOrEmpty(chunk.Content)) continue;
            if (!held) { said.Append(chunk.Content); yield return chunk.Content; continue; }
            said.Append(chunk.Content);
            var start = said.ToString().TrimStart();
            if (echoes.Any(e => start.StartsWith(e, StringComparison.OrdinalIgnoreCase))) throw Echo(start);
            if (echoes.Any(e => e.StartsWith(start, StringComparison.OrdinalIgnoreCase))) continue;
            held = false;
            yield return said.ToString();
        }
        // Still held at the end (the whole reply is the start of the prompt), or the cue further in: an echo.
        if (held && said.Length > 0 || said.ToString().Contains(NextLineCue, StringComparison.OrdinalIgnoreCase)) throw Echo(said.ToString());
    }

    private static AiProviderException Echo(string reply) => new(EchoMessage, detail:
        $"The model repeated the prompt instead of answering (its reply began \"{(reply.Length > 80 ? reply[..80] + "…" : reply)}\"). "
        + "Check that the endpoint is an OpenAI-compatible chat completions server and that the model is a chat model.");

    public async IAsyncEnumerable<CoachEvent> StreamCoachAsync(CoachRequest r, [EnumeratorCancellation] CancellationToken ct)
    {
        var history = new ChatHistory(CoachPrompt(r));
        history.AddUserMessage("Assess the answer now.");
        var full = new StringBuilder();
        int shown = 0, searched = 0, marker = -1;
        await foreach (var chunk in chat.GetStreamingChatMessageContentsAsync(history, Settings(r.Scenario), cancellationToken: ct))
        {
            if (string.IsNullOrEmpty(chunk.Content)) continue;
            full.Append(chunk.Content);
            // Stream the prose, never the scores: hold back enough characters to recognise a marker split across
            // chunks. Only the new text (and a marker's length before it) is searched, so a long reply stays linear.
            if (marker < 0)
            {
                var from = Math.Max(0, searched - ScoresMarker.Length + 1);
                var found = full.ToString(from, full.Length - from).IndexOf(ScoresMarker, StringComparison.Ordinal);
                if (found >= 0) marker = from + found;
                searched = full.Length;
            }
            var safeEnd = marker >= 0 ? marker : Math.Max(shown, full.Length - ScoresMarker.Length);
            if (safeEnd > shown)
            {
                yield return CoachEvent.Token(full.ToString(shown, safeEnd - shown));
                shown = safeEnd;
            }
        }
        var reply = full.ToString();
        var at = reply.IndexOf(ScoresMarker, StringComparison.Ordinal);
        if (at < 0 && reply.Length > shown) yield return CoachEvent.Token(reply[shown..]);

        var (assessment, problem) = ParseScores(at >= 0 ? reply[(at + ScoresMarker.Length)..] : "", r.Scenario.Rubric);
        if (assessment is null)
        {
            // One retry: ask for the JSON alone, telling the model what was wrong.
            history.AddAssistantMessage(reply);
            history.AddUserMessage($"Your scores could not be read ({problem}). Reply with only the JSON object described above, nothing else.");
            var retry = await chat.GetChatMessageContentAsync(history, Settings(r.Scenario), cancellationToken: ct);
            var retryText = retry.Content ?? "";
            var json = retryText.Contains(ScoresMarker, StringComparison.Ordinal)
                ? retryText[(retryText.IndexOf(ScoresMarker, StringComparison.Ordinal) + ScoresMarker.Length)..]
                : retryText;
            (assessment, problem) = ParseScores(json, r.Scenario.Rubric);
            if (assessment is null)
                throw new AiProviderException("The coach's answer could not be read. Retry.",
                    detail: $"The model's scores could not be read twice ({problem}). A stronger model, or the offline engine, avoids this.");
        }
        yield return CoachEvent.Done(assessment);
    }

    /// <summary>Checks the model's JSON against the rubric: every criterion once, every score 0-100.</summary>
    internal static (Assessment? Assessment, string? Problem) ParseScores(string json, IReadOnlyList<RubricCriterion> rubric)
    {
        json = json.Trim().Trim('`').Trim();
        if (json.StartsWith("json", StringComparison.OrdinalIgnoreCase)) json = json[4..];
        var start = json.IndexOf('{');
        var end = json.LastIndexOf('}');
        if (start < 0 || end <= start) return (null, "no JSON object");
        try
        {
            using var doc = JsonDocument.Parse(json[start..(end + 1)]);
            var root = doc.RootElement;
            if (!root.TryGetProperty("overall", out var overallEl) || !overallEl.TryGetInt32(out var overall) || overall is < 0 or > 100)
                return (null, "overall must be a number from 0 to 100");
            if (!root.TryGetProperty("criteria", out var criteriaEl) || criteriaEl.ValueKind != JsonValueKind.Array)
                return (null, "criteria missing");
            var byName = new Dictionary<string, CriterionScore>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in criteriaEl.EnumerateArray())
            {
                var name = c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                if (!c.TryGetProperty("score", out var sc) || !sc.TryGetInt32(out var score) || score is < 0 or > 100)
                    return (null, $"the score for '{name}' must be a number from 0 to 100");
                byName[name.Trim()] = new CriterionScore(name.Trim(), score, c.TryGetProperty("evidence", out var ev) ? Clip(ev.GetString(), 300) : "");
            }
            var missing = rubric.Where(c => !byName.ContainsKey(c.Name)).Select(c => c.Name).ToList();
            if (missing.Count > 0) return (null, "missing criteria: " + string.Join(", ", missing));
            var criteria = rubric.Select(c => byName[c.Name] with { Name = c.Name }).ToList();
            return (new Assessment(overall, criteria, Strings(root, "went_well"), Strings(root, "to_improve"),
                root.TryGetProperty("better_version", out var bv) ? Clip(bv.GetString(), 1500) : "",
                root.TryGetProperty("objective_met", out var om) && om.ValueKind == JsonValueKind.True), null);
        }
        catch (JsonException ex)
        {
            return (null, "invalid JSON: " + ex.Message.Split('.')[0]);
        }
        catch (InvalidOperationException ex)
        {
            return (null, "unexpected JSON shape: " + ex.Message.Split('.')[0]);
        }
    }

    private static List<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.Array
            ? el.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => Clip(e.GetString(), 300)).Take(6).ToList()
            : [];

    private static string Clip(string? s, int max) => s is null ? "" : s.Length > max ? s[..max] : s;

    private static string Objection(Phase phase, int turn) =>
        phase.FollowUpObjections.Count > 0 ? phase.FollowUpObjections[(turn - 1) % phase.FollowUpObjections.Count] : "I'm still not convinced.";

    internal static string CoachPrompt(CoachRequest r)
    {
        var s = r.Scenario;
        var p = s.Phases[r.PhaseIndex];
        return Prompts.Fill("coach", new Dictionary<string, string>
        {
            ["title"] = s.Title, ["domain"] = s.Domain.ToString(), ["brief"] = s.Context.LearnerBrief, ["phase_name"] = p.Name,
            ["objectives"] = string.Join("; ", p.Objectives), ["phrases"] = string.Join("; ", p.EssentialPhrases),
            ["vocabulary"] = string.Join(", ", p.KeyVocabulary), ["criteria"] = string.Join("; ", p.SuccessCriteria), ["ideal"] = p.IdealResponse,
            ["coaching_notes"] = p.CoachingNotes, ["mistakes"] = string.Join("; ", p.CommonMistakes), ["use"] = string.Join("; ", s.Tone.PhrasesToUse),
            ["avoid"] = string.Join("; ", s.Tone.PhrasesToAvoid), ["rules"] = string.Join("; ", s.Tone.Rules), ["coach_instructions"] = s.Ai.CoachInstructions,
            ["rubric"] = string.Join("\n", s.Rubric.Select(c => $"- {c.Name} (weight {c.Weight}): {c.Description}")),
            ["customer"] = r.CustomerLine, ["answer"] = r.Answer,
            ["facts"] = string.Join("\n", s.Context.TicketFields.Select(f => $"- {f.Label}: {f.Value}")
                .Concat(s.Context.VerificationFacts.Select(f => $"- Verification, {f.Label}: {f.Value}"))
                .Concat(s.Context.KnowledgeBase.Select(k => $"- {k.Title}: {k.Body.ReplaceLineEndings(" ")}"))),
            ["repeat_note"] = r.FirstAttempt is null ? "" : $" (a repeat; their first try was: \"{r.FirstAttempt}\")",
        });
    }

    private OpenAIPromptExecutionSettings Settings(ScenarioDocument s) => new()
    {
        Temperature = s.Ai.Temperature,
        MaxTokens = settings.MaxTokens,
        ModelId = string.IsNullOrWhiteSpace(s.Ai.ModelOverride) ? settings.Model : s.Ai.ModelOverride,
    };

    /// <summary>
    /// A short non-streamed call, for the settings page's "test connection": the model is asked to reply with a fresh
    /// code word; only a reply that carries it, and not the instruction itself, shows a model that follows instructions.
    /// </summary>
    public async Task<(bool Followed, bool Echoed, string Reply)> TestAsync(CancellationToken ct)
    {
        var code = "ZEBRA-" + Random.Shared.Next(1000, 10_000);
        var instruction = $"Reply with exactly this code word and nothing else: {code}";
        var history = new ChatHistory(instruction);
        history.AddUserMessage("What is the code word?");
        var reply = (await chat.GetChatMessageContentAsync(
            history, new OpenAIPromptExecutionSettings { MaxTokens = 20, ModelId = settings.Model }, cancellationToken: ct)).Content ?? "";
        var echoed = reply.Contains("Reply with exactly", StringComparison.OrdinalIgnoreCase)
            || reply.Contains("What is the code word", StringComparison.Ordinal);
        return (!echoed && reply.Contains(code, StringComparison.OrdinalIgnoreCase), echoed, reply.Trim());
    }
}

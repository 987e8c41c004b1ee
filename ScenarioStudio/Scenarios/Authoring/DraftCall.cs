using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>One section's provider calls: counted against the limits, timed out when the provider goes quiet, tokens recorded.</summary>
internal sealed class DraftCall(AiGate gate, Caller caller, OrganisationAiSettings settings, IChatCompletionService chat, ILogger log)
{
    public async Task<JsonElement> JsonAsync(string system, string instruction, string section, CancellationToken ct, string purpose = "Draft")
    {
        var reply = await CallAsync(system, instruction, purpose, ct);
        var (root, problem) = DraftReader.Parse(reply);
        if (root is { } r) return r;
        var problemException = new AiProviderException(
            $"The AI's {section} could not be read ({problem}). Generate again; if it keeps happening, an Admin can choose a stronger model.",
            detail: $"Drafting a scenario: the model's {section} was not the JSON asked for ({problem}). It began: "
                + $"\"{(reply.Length > 120 ? reply[..120] + "…" : reply)}\"");
        await gate.RecordProblemAsync(caller, problemException);
        throw problemException;
    }

    private async Task<string> CallAsync(string system, string instruction, string purpose, CancellationToken ct)
    {
        await gate.CountCallAsync(caller, settings, ct);
        var history = new ChatHistory(system);
        history.AddUserMessage(instruction);
        var execution = new OpenAIPromptExecutionSettings { MaxTokens = settings.DraftMaxTokens, Temperature = 0.7, ModelId = settings.Model };
        var idle = TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds));
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(idle);
        var text = new StringBuilder();
        int prompt = 0, completion = 0;
        try
        {
            await foreach (var chunk in chat.GetStreamingChatMessageContentsAsync(history, execution, cancellationToken: quiet.Token))
            {
                // The provider is alive: the timeout counts from its last word.
                quiet.CancelAfter(idle);
                if (chunk.InnerContent is OpenAI.Chat.StreamingChatCompletionUpdate { Usage: { } usage })
                    (prompt, completion) = (usage.InputTokenCount, usage.OutputTokenCount);
                text.Append(chunk.Content);
                if (text.Length > ScenarioDrafter.MaxReplyChars)
                    throw new AiProviderException("The AI's reply was far longer than a scenario section. Generate again.",
                        detail: $"Drafting a scenario: the model's reply passed {ScenarioDrafter.MaxReplyChars:N0} characters and was stopped.");
            }
            return text.ToString();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var timedOut = new AiProviderException($"The AI provider stopped answering for {idle.TotalSeconds:0} seconds, so drafting was stopped. "
                + "Generate again; if it keeps happening, an Admin can check the provider or raise the timeout.",
                detail: $"Drafting a scenario: no reply from the provider within the timeout ({idle.TotalSeconds:0} s).");
            await gate.RecordProblemAsync(caller, timedOut);
            throw timedOut;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or AiProviderException))
        {
            var failed = new AiProviderException(
                "The AI provider could not draft the scenario. Generate again; if it keeps happening, tell your Admin.", ex);
            await gate.RecordProblemAsync(caller, failed);
            throw failed;
        }
        finally
        {
            log.LogInformation("Scenario draft call ({Purpose}): {Prompt} prompt and {Completion} completion tokens", purpose, prompt, completion);
            await gate.RecordUsageAsync(caller, purpose, settings.Model, prompt, completion);
        }
    }
}

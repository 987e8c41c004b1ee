using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
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
        JsonElement root = default;
        await foreach (var (part, _) in JsonPartsAsync(system, instruction, section, ct, purpose, partials: false)) root = part;
        return root;
    }

    /// <summary>
    /// The reply's JSON object as it streams: the object so far each time one more of its top-level fields is complete
    /// (<c>Complete</c> false), then the whole object (<c>Complete</c> true). Lets a long section show its first parts at once.
    /// </summary>
    public async IAsyncEnumerable<(JsonElement Root, bool Complete)> JsonPartsAsync(string system, string instruction, string section,
        [EnumeratorCancellation] CancellationToken ct, string purpose = "Draft", bool partials = true)
    {
        var reply = new StringBuilder();
        var fields = 0;
        await foreach (var chunk in StreamAsync(system, instruction, purpose, ct))
        {
            reply.Append(chunk);
            if (!partials || DraftReader.CompleteFields(reply.ToString()) is not { } part || part.Fields <= fields) continue;
            fields = part.Fields;
            yield return (part.Root, false);
        }
        var text = reply.ToString();
        var (root, problem) = DraftReader.Parse(text);
        if (root is null)
        {
            var problemException = new AiProviderException(
                $"The AI's {section} could not be read ({problem}). Generate again; if it keeps happening, an Admin can choose a stronger model.",
                detail: $"Drafting a scenario: the model's {section} was not the JSON asked for ({problem}). It began: "
                    + $"\"{(text.Length > 120 ? text[..120] + "…" : text)}\"");
            await gate.RecordProblemAsync(caller, problemException);
            throw problemException;
        }
        yield return (root.Value, true);
    }

    /// <summary>The reply's text, chunk by chunk as the provider streams it; provider failures become <see cref="AiProviderException"/>.</summary>
    private async IAsyncEnumerable<string> StreamAsync(string system, string instruction, string purpose, [EnumeratorCancellation] CancellationToken ct)
    {
        await gate.CountCallAsync(caller, settings, ct);
        var history = new ChatHistory(system);
        history.AddUserMessage(instruction);
        var execution = new OpenAIPromptExecutionSettings { MaxTokens = settings.DraftMaxTokens, Temperature = 0.7, ModelId = settings.Model };
        var idle = TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds));
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(idle);
        var length = 0;
        int prompt = 0, completion = 0;
        var chunks = chat.GetStreamingChatMessageContentsAsync(history, execution, cancellationToken: quiet.Token).GetAsyncEnumerator(quiet.Token);
        try
        {
            while (true)
            {
                StreamingChatMessageContent chunk;
                try
                {
                    if (!await chunks.MoveNextAsync()) yield break;
                    chunk = chunks.Current;
                }
                catch (Exception ex) when (ex is not AiProviderException)
                {
                    throw await FailedAsync(ex, ct, idle);
                }
                // The provider is alive: the timeout counts from its last word.
                quiet.CancelAfter(idle);
                if (chunk.InnerContent is OpenAI.Chat.StreamingChatCompletionUpdate { Usage: { } usage })
                    (prompt, completion) = (usage.InputTokenCount, usage.OutputTokenCount);
                length += chunk.Content?.Length ?? 0;
                if (length > ScenarioDrafter.MaxReplyChars)
                    throw new AiProviderException("The AI's reply was far longer than a scenario section. Generate again.",
                        detail: $"Drafting a scenario: the model's reply passed {ScenarioDrafter.MaxReplyChars:N0} characters and was stopped.");
                if (!string.IsNullOrEmpty(chunk.Content)) yield return chunk.Content;
            }
        }
        finally
        {
            await chunks.DisposeAsync();
            log.LogInformation("Scenario draft call ({Purpose}): {Prompt} prompt and {Completion} completion tokens", purpose, prompt, completion);
            await gate.RecordUsageAsync(caller, purpose, settings.Model, prompt, completion);
        }
    }

    /// <summary>What the creator is told when the provider fails: the creator's own cancel passes through, a quiet provider is a timeout.</summary>
    private async Task<Exception> FailedAsync(Exception ex, CancellationToken ct, TimeSpan idle)
    {
        if (ex is OperationCanceledException && ct.IsCancellationRequested) return ex;
        var failed = ex is OperationCanceledException
            ? new AiProviderException($"The AI provider stopped answering for {idle.TotalSeconds:0} seconds, so drafting was stopped. "
                + "Generate again; if it keeps happening, an Admin can check the provider or raise the timeout.",
                detail: $"Drafting a scenario: no reply from the provider within the timeout ({idle.TotalSeconds:0} s).")
            : new AiProviderException("The AI provider could not draft the scenario. Generate again; if it keeps happening, tell your Admin.", ex);
        await gate.RecordProblemAsync(caller, failed);
        return failed;
    }
}

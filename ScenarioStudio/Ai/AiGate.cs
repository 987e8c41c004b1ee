using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Ai;

/// <summary>
/// Picks the organisation's AI provider and enforces its limits (calls per minute and per day, per user and per
/// organisation). Every AI call passes through <see cref="OpenAsync"/>. The offline engine costs nothing and runs on
/// this server: its turns are neither limited nor counted.
/// </summary>
public sealed class AiGate(TenantDb tenantDb, TimeProvider clock, IDataProtectionProvider protection,
    IOptions<OfflineAiOptions> offlineOptions, IHttpClientFactory httpClients, Coach.CoachJudge judge, AiCallPruning pruning, ILogger<AiGate> log)
{
    public const string KeyPurpose = "ScenarioStudio.Ai.ApiKey";
    /// <summary>The longest window a limit counts calls over (per day); older calls are pruned.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(1);

    public async Task<(IPracticeAi Ai, OrganisationAiSettings Settings)> OpenAsync(Caller caller, CancellationToken ct)
    {
        var settings = await SettingsAsync(caller, ct);
        if (settings.Provider != AiProvider.Offline) await CountCallAsync(caller, settings, ct);
        return (Create(settings), settings);
    }

    /// <summary>The caller's organisation's AI settings (the offline defaults when none are stored).</summary>
    public async Task<OrganisationAiSettings> SettingsAsync(Caller caller, CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.AiSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OrganisationAiSettings { OrganisationId = caller.OrganisationId };
    }

    /// <summary>
    /// Checks the per-user and per-organisation limits for one more provider call and records it; throws
    /// <see cref="AiProviderException"/> with the time a retry is allowed when a limit is reached.
    /// </summary>
    public async Task CountCallAsync(Caller caller, OrganisationAiSettings settings, CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        // Counted and recorded in one serializable transaction: calls that race (two tabs, two nodes sharing the
        // database) are counted one after the other, so together they never pass a limit (SqlDialect.BeginCountingAsync:
        // SQLite's write lock, PostgreSQL's advisory lock on the organisation).
        await using var tx = await SqlDialect.Of(db.Database).BeginCountingAsync(db, $"ai-calls:{caller.OrganisationId}", ct);
        var now = clock.GetUtcNow();
        var minuteAgo = now.AddMinutes(-1);
        var dayAgo = now - LongestWindow;
        var calls = db.AiCalls.Where(c => c.At > dayAgo);
        var mine = calls.Where(c => c.UserId == caller.UserId);
        var minute = TimeSpan.FromMinutes(1);
        (string Reached, IQueryable<AiCall> InWindow, int Limit, TimeSpan Window)[] limits =
        [
            ("You have reached your AI limit for this minute.", mine.Where(c => c.At > minuteAgo), settings.UserCallsPerMinute, minute),
            ("You have reached your AI limit for today (ask an Admin if you need more).", mine, settings.UserCallsPerDay, LongestWindow),
            ("Your organisation has reached its AI limit for this minute.", calls.Where(c => c.At > minuteAgo), settings.OrganisationCallsPerMinute,
                minute),
            ("Your organisation has reached its AI limit for today (an Admin can raise it).", calls, settings.OrganisationCallsPerDay, LongestWindow),
        ];
        foreach (var limit in limits)
        {
            if (await limit.InWindow.CountAsync(ct) >= limit.Limit)
                throw await LimitReachedAsync(limit.Reached, limit.InWindow, limit.Limit, limit.Window, now, ct);
        }

        db.AiCalls.Add(new AiCall { OrganisationId = caller.OrganisationId, UserId = caller.UserId, At = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await pruning.PruneIfDueAsync(ct);
    }

    /// <summary>Records the provider's token counts for one call (shown to Admins per month on the AI settings page).</summary>
    public async Task RecordUsageAsync(Caller caller, string purpose, string model, int promptTokens, int completionTokens)
    {
        var now = clock.GetUtcNow();
        // Recorded even when the creator cancelled: the provider counted the tokens.
        await using var db = await tenantDb.OpenAsync(caller, CancellationToken.None);
        db.AiUsage.Add(new AiUsage
        {
            OrganisationId = caller.OrganisationId, UserId = caller.UserId, At = now, Month = AiUsage.MonthOf(now),
            Purpose = purpose.Shorten(20), Model = model.Shorten(100), PromptTokens = promptTokens, CompletionTokens = completionTokens,
        });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>A chat completion service on the organisation's OpenAI-compatible endpoint (Semantic Kernel), for authoring.</summary>
    public Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService CreateChat(OrganisationAiSettings settings) =>
        KernelPracticeAi.CreateChat(settings, UnprotectKey(settings), httpClients.CreateClient(KernelPracticeAi.HttpClientName));

    /// <summary>
    /// The limit of <paramref name="limit"/> calls per sliding <paramref name="window"/> is reached: a call is allowed
    /// again when the <paramref name="limit"/>-th newest call in the window leaves it. The message says when.
    /// </summary>
    private static async Task<AiProviderException> LimitReachedAsync(string reached, IQueryable<AiCall> inWindow, int limit, TimeSpan window,
        DateTimeOffset now, CancellationToken ct)
    {
        var leaving = await inWindow.OrderByDescending(c => c.At).Skip(Math.Max(0, limit - 1)).Select(c => c.At).FirstOrDefaultAsync(ct);
        var retryAt = (leaving == default ? now : leaving) + window;
        var wait = retryAt - now;
        var when = wait.TotalSeconds < 90 ? $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds"
            : wait.TotalMinutes < 90 ? $"{(int)Math.Ceiling(wait.TotalMinutes)} minutes"
            : $"{(int)wait.TotalHours} h {wait.Minutes} min";
        return new AiProviderException($"{reached} You can continue in {when}.") { RetryAt = retryAt };
    }

    /// <summary>
    /// A provider failure a learner met: logged with its detail, and kept as the organisation's last problem for the
    /// AI settings page (the learner saw only a plain message).
    /// </summary>
    public async Task RecordProblemAsync(Caller caller, AiProviderException problem)
    {
        log.LogWarning(problem, "AI provider problem for organisation {OrganisationId}: {Detail}", caller.OrganisationId, problem.Detail);
        var detail = problem.Detail.Length <= 500 ? problem.Detail : problem.Detail[..500];
        var now = clock.GetUtcNow();
        // Recorded even when the learner has left the page: the Admin needs to know.
        await using var db = await tenantDb.OpenAsync(caller, CancellationToken.None);
        await db.AiSettings.ExecuteUpdateAsync(s => s.SetProperty(x => x.LastProblem, detail).SetProperty(x => x.LastProblemAt, now));
    }

    public IPracticeAi Create(OrganisationAiSettings settings) => settings.Provider switch
    {
        AiProvider.OpenAiCompatible => new KernelPracticeAi(settings, UnprotectKey(settings), httpClients.CreateClient(KernelPracticeAi.HttpClientName)),
        _ => new ScriptedPracticeAi(offlineOptions, judge),
    };

    public string? UnprotectKey(OrganisationAiSettings settings) =>
        string.IsNullOrEmpty(settings.ProtectedApiKey) ? null : protection.CreateProtector(KeyPurpose).Unprotect(settings.ProtectedApiKey);

    public string ProtectKey(string key) => protection.CreateProtector(KeyPurpose).Protect(key);
}

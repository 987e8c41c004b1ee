using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScenarioStudio.Data;
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
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var settings = await db.AiSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OrganisationAiSettings { OrganisationId = caller.OrganisationId };
        if (settings.Provider == AiProvider.Offline) return (Create(settings), settings);
        var now = clock.GetUtcNow();
        var minuteAgo = now.AddMinutes(-1);
        var dayAgo = now - LongestWindow;
        var calls = db.AiCalls.Where(c => c.At > dayAgo);
        var userDay = await calls.CountAsync(c => c.UserId == caller.UserId, ct);
        var userMinute = await calls.CountAsync(c => c.UserId == caller.UserId && c.At > minuteAgo, ct);
        if (userMinute >= settings.UserCallsPerMinute || userDay >= settings.UserCallsPerDay)
            throw new AiProviderException(userMinute >= settings.UserCallsPerMinute
                ? "You have reached your AI limit for this minute. Wait a moment, then retry."
                : "You have reached your AI limit for today. Ask an Admin if you need more.");
        var orgMinute = await calls.CountAsync(c => c.At > minuteAgo, ct);
        var orgDay = await calls.CountAsync(ct);
        if (orgMinute >= settings.OrganisationCallsPerMinute || orgDay >= settings.OrganisationCallsPerDay)
            throw new AiProviderException("Your organisation has reached its AI limit for now. Retry later or ask an Admin to raise it.");

        db.AiCalls.Add(new AiCall { OrganisationId = caller.OrganisationId, UserId = caller.UserId, At = now });
        await db.SaveChangesAsync(ct);
        await pruning.PruneIfDueAsync(ct);
        return (Create(settings), settings);
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

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Ai;

/// <summary>What the settings page edits; the API key is write-only (never sent back to the browser).</summary>
public sealed class AiSettingsInput
{
    public AiProvider Provider { get; set; }
    public string Endpoint { get; set; } = "";
    public string Model { get; set; } = "";
    /// <summary>Empty keeps the stored key; set <see cref="ClearApiKey"/> to remove it.</summary>
    public string? NewApiKey { get; set; }
    public bool ClearApiKey { get; set; }
    public bool HasApiKey { get; set; }
    public int MaxTokens { get; set; } = 600;
    public int DraftMaxTokens { get; set; } = 2000;
    public int TimeoutSeconds { get; set; } = 60;
    public int UserCallsPerMinute { get; set; } = 20;
    public int UserCallsPerDay { get; set; } = 500;
    public int OrganisationCallsPerMinute { get; set; } = 200;
    public int OrganisationCallsPerDay { get; set; } = 10_000;
    /// <summary>Read-only: the last provider failure learners met, in the provider's words.</summary>
    public string? LastProblem { get; init; }
    public DateTimeOffset? LastProblemAt { get; init; }
}

/// <summary>One month's provider calls of one purpose and their tokens.</summary>
public sealed record AiUsageMonth(string Month, string Purpose, int Calls, long PromptTokens, long CompletionTokens);

public sealed class AiSettingsService(CurrentUser currentUser, TenantDb tenantDb, AiGate gate, AuditTrail audit)
{
    public async Task<AiSettingsInput> GetAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await db.AiSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OrganisationAiSettings();
        return new AiSettingsInput
        {
            Provider = s.Provider, Endpoint = s.Endpoint, Model = s.Model, HasApiKey = s.ProtectedApiKey is not null, MaxTokens = s.MaxTokens,
            DraftMaxTokens = s.DraftMaxTokens,
            TimeoutSeconds = s.TimeoutSeconds, UserCallsPerMinute = s.UserCallsPerMinute, UserCallsPerDay = s.UserCallsPerDay,
            OrganisationCallsPerMinute = s.OrganisationCallsPerMinute, OrganisationCallsPerDay = s.OrganisationCallsPerDay,
            LastProblem = s.LastProblem, LastProblemAt = s.LastProblemAt,
        };
    }

    public async Task SaveAsync(AiSettingsInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        Validate(input).ThrowIfAny();
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await db.AiSettings.SingleOrDefaultAsync(ct);
        if (s is null) db.AiSettings.Add(s = new OrganisationAiSettings { OrganisationId = caller.OrganisationId });
        var before = Snapshot(s);
        var hadKey = s.ProtectedApiKey is not null;
        Apply(input, s);
        // New settings: the last problem was the old settings' problem.
        (s.LastProblem, s.LastProblemAt) = (null, null);
        // Field by field, but the API key only as set, changed or cleared: its value never reaches the log.
        var changes = AuditTrail.Diff(before.Zip(Snapshot(s), (b, a) => (b.Field, b.Value, a.Value)).ToArray());
        if (AuditTrail.Secret("API key", hadKey, input.ClearApiKey, !string.IsNullOrWhiteSpace(input.NewApiKey)) is { } key) changes.Add(key);
        if (changes.Count > 0)
        {
            audit.Record(db, caller, AuditAction.AiSettingsChange, new AuditSubject(AuditSubjects.AiSettings, caller.OrganisationId.ToString(), "AI provider"),
                $"Changed the AI settings: {string.Join(", ", changes.Select(c => c.Field))}", changes);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The provider's token counts per month and purpose, newest month first (the last twelve months that have any).</summary>
    public async Task<IReadOnlyList<AiUsageMonth>> UsageAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var rows = await db.AiUsage.GroupBy(u => new { u.Month, u.Purpose })
            .Select(g => new AiUsageMonth(g.Key.Month, g.Key.Purpose, g.Count(), g.Sum(u => (long)u.PromptTokens), g.Sum(u => (long)u.CompletionTokens)))
            .ToListAsync(ct);
        var months = rows.Select(r => r.Month).Distinct().OrderDescending().Take(12).ToHashSet();
        return rows.Where(r => months.Contains(r.Month)).OrderByDescending(r => r.Month).ThenBy(r => r.Purpose).ToList();
    }

    /// <summary>Sends a tiny request with the settings as entered (not yet saved) and reports what happened.</summary>
    public async Task<string> TestAsync(AiSettingsInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        if (input.Provider == AiProvider.Offline) return "The offline engine needs no connection: it is ready.";
        Validate(input).ThrowIfAny();
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var stored = await db.AiSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OrganisationAiSettings();
        var trial = new OrganisationAiSettings { ProtectedApiKey = stored.ProtectedApiKey };
        Apply(input, trial);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(30, input.TimeoutSeconds)));
        try
        {
            var ai = (KernelPracticeAi)gate.Create(trial);
            var (followed, echoed, reply) = await ai.TestAsync(timeout.Token);
            var quoted = reply.Length > 80 ? reply[..80] + "…" : reply;
            if (echoed)
                throw new AiProviderException($"The server answered, but it repeated the prompt (“{quoted}”): it is not running a chat model. "
                    + "Check the endpoint and the model name.");
            if (!followed)
                throw new AiProviderException($"The server answered, but {input.Model} did not follow the test instruction (it said “{quoted}”). "
                    + "Practice needs a model that follows instructions: check the model name, or choose a stronger model.");
            return $"Connected: {input.Model} answered and followed the test instruction.";
        }
        catch (Exception ex) when (ex is not (ForbiddenException or AiProviderException))
        {
            throw new AiProviderException(ex is OperationCanceledException
                ? "No answer within the timeout. Check the endpoint address and that the server is running."
                : $"The connection failed: {ex.Message}");
        }
    }

    /// <summary>The settings the audit log compares, by the names the settings page shows (never the key).</summary>
    private static (string Field, object? Value)[] Snapshot(OrganisationAiSettings s) =>
    [
        ("Provider", s.Provider), ("Endpoint", s.Endpoint), ("Model", s.Model), ("Max tokens", s.MaxTokens),
        ("Max tokens per drafted section", s.DraftMaxTokens), ("Timeout (s)", s.TimeoutSeconds),
        ("Calls per user per minute", s.UserCallsPerMinute), ("Calls per user per day", s.UserCallsPerDay),
        ("Organisation calls per minute", s.OrganisationCallsPerMinute), ("Organisation calls per day", s.OrganisationCallsPerDay),
    ];

    private void Apply(AiSettingsInput input, OrganisationAiSettings s)
    {
        s.Provider = input.Provider;
        s.Endpoint = input.Endpoint.Trim();
        s.Model = input.Model.Trim();
        if (input.ClearApiKey) s.ProtectedApiKey = null;
        else if (!string.IsNullOrWhiteSpace(input.NewApiKey)) s.ProtectedApiKey = gate.ProtectKey(input.NewApiKey.Trim());
        s.MaxTokens = input.MaxTokens;
        s.DraftMaxTokens = input.DraftMaxTokens;
        s.TimeoutSeconds = input.TimeoutSeconds;
        s.UserCallsPerMinute = input.UserCallsPerMinute;
        s.UserCallsPerDay = input.UserCallsPerDay;
        s.OrganisationCallsPerMinute = input.OrganisationCallsPerMinute;
        s.OrganisationCallsPerDay = input.OrganisationCallsPerDay;
    }

    private static FieldErrors Validate(AiSettingsInput i)
    {
        var e = new FieldErrors().Check(Enum.IsDefined(i.Provider), "Provider", "Choose a provider.");
        if (i.Provider == AiProvider.OpenAiCompatible)
        {
            e.Check(Uri.TryCreate(i.Endpoint.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", "Endpoint",
                "Enter the server's address, e.g. https://api.openai.com or http://localhost:11434.");
            e.Check(i.Model.Trim().Length is >= 1 and <= 100, "Model", "Enter the model name, e.g. gpt-4o-mini or llama3.1.");
        }
        e.Check(i.MaxTokens is >= 50 and <= 4000, "MaxTokens", "Max tokens is 50 to 4000.");
        e.Check(i.DraftMaxTokens is >= 500 and <= 16000, "DraftMaxTokens", "Max tokens per drafted section is 500 to 16000.");
        e.Check(i.TimeoutSeconds is >= 5 and <= 300, "TimeoutSeconds", "The timeout is 5 to 300 seconds.");
        e.Check(i.UserCallsPerMinute is >= 1 and <= 1000 && i.UserCallsPerDay is >= 1 and <= 100_000,
            "UserCallsPerMinute", "Per-user limits must be at least 1.");
        e.Check(i.OrganisationCallsPerMinute is >= 1 and <= 10_000 && i.OrganisationCallsPerDay is >= 1 and <= 1_000_000,
            "OrganisationCallsPerMinute", "Organisation limits must be at least 1.");
        return e;
    }
}

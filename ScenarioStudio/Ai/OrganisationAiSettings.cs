using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Ai;

public enum AiProvider { Offline, OpenAiCompatible }

/// <summary>Per-organisation AI configuration. The API key is stored encrypted with ASP.NET Core Data Protection.</summary>
public sealed class OrganisationAiSettings : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public AiProvider Provider { get; set; } = AiProvider.Offline;
    /// <summary>Base address of an OpenAI-compatible server, e.g. https://api.openai.com or http://localhost:11434 (Ollama).</summary>
    public string Endpoint { get; set; } = "";
    public string Model { get; set; } = "";
    public string? ProtectedApiKey { get; set; }
    public int MaxTokens { get; set; } = 600;
    /// <summary>Max tokens of each call that drafts a scenario section (persona and context, a phase, the rubric); sections are long.</summary>
    public int DraftMaxTokens { get; set; } = 2000;
    public int TimeoutSeconds { get; set; } = 60;
    public int UserCallsPerMinute { get; set; } = 20;
    public int UserCallsPerDay { get; set; } = 500;
    public int OrganisationCallsPerMinute { get; set; } = 200;
    public int OrganisationCallsPerDay { get; set; } = 10_000;
    /// <summary>The last provider failure learners met, in the provider's own words, for the Admin (learners see a plain message).</summary>
    public string? LastProblem { get; set; }
    public DateTimeOffset? LastProblemAt { get; set; }

    /// <summary>The engine recorded on a session: "Offline", or the model of an OpenAI-compatible endpoint.</summary>
    public string EngineName
    {
        get
        {
            var name = Provider == AiProvider.Offline ? "Offline" : string.IsNullOrWhiteSpace(Model) ? "OpenAI-compatible" : Model.Trim();
            return name.Length <= 40 ? name : name[..40];
        }
    }
}

/// <summary>One AI call, for the per-user and per-organisation limits.</summary>
public sealed class AiCall : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The provider's token counts for one AI call, by purpose (drafting a scenario, repairing a draft, improving a part):
/// what the organisation's provider bill is made of, shown to Admins per month. Kept (unlike <see cref="AiCall"/>, pruned after a day).
/// </summary>
public sealed class AiUsage : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>"2026-12": the UTC month, stored so the monthly totals group by an index instead of by date arithmetic.</summary>
    public string Month { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string Model { get; set; } = "";
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class AiUsageConfiguration : IEntityTypeConfiguration<AiUsage>
{
    public void Configure(EntityTypeBuilder<AiUsage> b)
    {
        b.Property(u => u.UserId).HasMaxLength(450);
        b.Property(u => u.Month).HasMaxLength(7);
        b.Property(u => u.Purpose).HasMaxLength(20);
        b.Property(u => u.Model).HasMaxLength(100);
        b.HasIndex(u => new { u.OrganisationId, u.Month });
    }
}

internal sealed class OrganisationAiSettingsConfiguration : IEntityTypeConfiguration<OrganisationAiSettings>
{
    public void Configure(EntityTypeBuilder<OrganisationAiSettings> b)
    {
        b.HasKey(s => s.OrganisationId);
        b.Property(s => s.Provider).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Endpoint).HasMaxLength(300);
        b.Property(s => s.Model).HasMaxLength(100);
        b.Property(s => s.ProtectedApiKey).HasMaxLength(2000);
        b.Property(s => s.LastProblem).HasMaxLength(500);
    }
}

internal sealed class AiCallConfiguration : IEntityTypeConfiguration<AiCall>
{
    public void Configure(EntityTypeBuilder<AiCall> b)
    {
        b.HasIndex(c => new { c.OrganisationId, c.At });
        b.HasIndex(c => new { c.OrganisationId, c.UserId, c.At });
        // Pruning deletes the oldest calls of every organisation.
        b.HasIndex(c => c.At);
    }
}

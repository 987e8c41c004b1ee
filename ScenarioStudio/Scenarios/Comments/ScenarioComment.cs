using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Comments;

/// <summary>
/// A comment on a scenario. A thread is a comment without a parent, anchored to the whole scenario, one phase (by its
/// key, so the thread follows the phase when phases move) or one field of it; its replies point at it (one level).
/// Threads are resolved and reopened as a whole.
/// </summary>
public sealed class ScenarioComment : IOrganisationOwned
{
    public const int MaxBody = 4000;
    public const int MaxField = 60;

    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int ScenarioId { get; set; }
    /// <summary>The phase (0-based position when written) the thread is about, or null for the whole scenario.</summary>
    public int? PhaseIndex { get; set; }
    /// <summary>The key of that phase (<see cref="Phase.Key"/>): where the thread is shown now, wherever the phase moved.</summary>
    public string? PhaseKey { get; set; }
    /// <summary>The field the thread is about ("IdealResponse", "Persona"), or null.</summary>
    public string? Field { get; set; }
    public long? ParentId { get; set; }
    public string AuthorId { get; set; } = "";
    /// <summary>Markdown with mentions written <c>@[Name](userId)</c>; rendered through the sanitising renderer.</summary>
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedById { get; set; }
}

internal sealed class ScenarioCommentConfiguration : IEntityTypeConfiguration<ScenarioComment>
{
    public void Configure(EntityTypeBuilder<ScenarioComment> b)
    {
        b.Property(c => c.Field).HasMaxLength(ScenarioComment.MaxField);
        b.Property(c => c.PhaseKey).HasMaxLength(20);
        b.Property(c => c.AuthorId).HasMaxLength(450);
        b.Property(c => c.ResolvedById).HasMaxLength(450);
        b.Property(c => c.Body).HasMaxLength(ScenarioComment.MaxBody);
        b.HasOne<Scenario>().WithMany().HasForeignKey(c => c.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScenarioComment>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Cascade);
        // The open-thread counts of a page of scenarios: one seek per organisation and scenario.
        b.HasIndex(c => new { c.OrganisationId, c.ScenarioId, c.ParentId, c.ResolvedAt });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Progress;

/// <summary>
/// A scenario a manager asks a team to practise by a date. A member has done it once they complete a session of
/// the scenario after it was assigned.
/// </summary>
public sealed class Assignment : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public int ScenarioId { get; set; }
    public Scenario? Scenario { get; set; }
    /// <summary>The scenario's live version when it was assigned.</summary>
    public int? ScenarioVersion { get; set; }
    public DateOnly DueOn { get; set; }
    public string Note { get; set; } = "";
    public string AssignedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<Assignment>
{
    public void Configure(EntityTypeBuilder<Assignment> b)
    {
        b.Property(a => a.Note).HasMaxLength(AssignmentService.MaxNoteLength);
        b.Property(a => a.AssignedById).HasMaxLength(450);
        b.HasOne(a => a.Team).WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Scenario).WithMany().HasForeignKey(a => a.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.OrganisationId, a.TeamId, a.ScenarioId }).IsUnique();
        b.HasIndex(a => a.ScenarioId);
    }
}

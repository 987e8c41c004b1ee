using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Experiments;

public enum ExperimentStatus { Running, Ended }

/// <summary>
/// An A/B test of a published scenario (A) against its published variant (B): while it runs, a learner who starts
/// either practises the one their hash bucket gives them (<see cref="VariantSplit"/>), and the session records which.
/// Ending it keeps the winner: when B wins its content becomes A's next version (A keeps its id, slug and links) and B
/// is archived; when A wins, B is archived.
/// </summary>
public sealed class Experiment : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public int ScenarioAId { get; set; }
    public Scenario? ScenarioA { get; set; }
    public int ScenarioBId { get; set; }
    public Scenario? ScenarioB { get; set; }
    /// <summary>The share of learners given B, in percent (10–90).</summary>
    public int PercentB { get; set; } = 50;
    public ExperimentStatus Status { get; set; }
    public string StartedById { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public string? EndedById { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>"A" or "B" once ended.</summary>
    public string? Winner { get; set; }
}

internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> b)
    {
        b.Property(e => e.Name).HasMaxLength(ExperimentService.MaxNameLength);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(e => e.StartedById).HasMaxLength(450);
        b.Property(e => e.EndedById).HasMaxLength(450);
        b.Property(e => e.Winner).HasMaxLength(1);
        b.HasOne(e => e.ScenarioA).WithMany().HasForeignKey(e => e.ScenarioAId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.ScenarioB).WithMany().HasForeignKey(e => e.ScenarioBId).OnDelete(DeleteBehavior.Cascade);
        // Practice start asks "is this scenario in a running experiment?" for every session.
        b.HasIndex(e => new { e.OrganisationId, e.Status, e.ScenarioAId });
        b.HasIndex(e => new { e.OrganisationId, e.Status, e.ScenarioBId });
        b.HasIndex(e => new { e.OrganisationId, e.StartedAt });
    }
}

/// <summary>
/// Running totals of one experiment's criterion scores per variant, kept by SQLite triggers on CriterionResults (insert
/// and delete) as CriterionTotals are, so the experiment page reads a few rows instead of every criterion row of a
/// year of sessions (bench experiment).
/// </summary>
public sealed class ExperimentCriterionTotal : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid ExperimentId { get; set; }
    public string Variant { get; set; } = "";
    public string Criterion { get; set; } = "";
    public long Total { get; set; }
    public int Samples { get; set; }
}

internal sealed class ExperimentCriterionTotalConfiguration : IEntityTypeConfiguration<ExperimentCriterionTotal>
{
    public void Configure(EntityTypeBuilder<ExperimentCriterionTotal> b)
    {
        b.HasKey(t => new { t.ExperimentId, t.Variant, t.Criterion });
        b.Property(t => t.Variant).HasMaxLength(1);
        b.Property(t => t.Criterion).HasMaxLength(100);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

internal sealed class PracticeSessionConfiguration : IEntityTypeConfiguration<PracticeSession>
{
    public void Configure(EntityTypeBuilder<PracticeSession> b)
    {
        b.Property(s => s.ScenarioTitle).HasMaxLength(100);
        b.Property(s => s.Provider).HasMaxLength(40);
        b.Property(s => s.Stage).HasConversion<string>().HasMaxLength(20);
        b.Json(s => s.Snapshot);
        b.Json(s => s.Outcomes);
        b.HasMany(s => s.Messages).WithOne().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.UserId, s.StartedAt });
        // Covers scenario analytics (counts, furthest phase, score, misses per phase from the short Outcomes JSON, and
        // the ids for answer counts), so they never read a session row, where the snapshot precedes these columns.
        b.HasIndex(s => new { s.OrganisationId, s.ScenarioId, s.CompletedAt, s.PhaseIndex, s.OverallScore, s.Outcomes, s.Id })
            .HasDatabaseName("IX_PracticeSessions_Analytics");
        // Covers the dashboards' per-learner figures, so they never read the (large) snapshot rows.
        b.HasIndex(s => new { s.OrganisationId, s.UserId, s.CompletedAt, s.OverallScore, s.XpEarned, s.UpdatedAt, s.ScenarioId, s.ScenarioTitle })
            .HasDatabaseName("IX_PracticeSessions_Progress");
    }
}

internal sealed class PracticeMessageConfiguration : IEntityTypeConfiguration<PracticeMessage>
{
    public void Configure(EntityTypeBuilder<PracticeMessage> b)
    {
        b.Property(m => m.Speaker).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Text).HasMaxLength(8000);
        b.Json(m => m.Assessment);
        b.HasIndex(m => new { m.SessionId, m.Sequence }).IsUnique();
        b.HasMany(m => m.Scores).WithOne().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionResultConfiguration : IEntityTypeConfiguration<CriterionResult>
{
    public void Configure(EntityTypeBuilder<CriterionResult> b)
    {
        b.Property(r => r.Criterion).HasMaxLength(100);
        // Covering indexes: the team dashboard averages by learner, content analytics by scenario.
        b.HasIndex(r => new { r.OrganisationId, r.UserId, r.Criterion, r.Score });
        b.HasIndex(r => new { r.OrganisationId, r.ScenarioId, r.Criterion, r.Score });
    }
}

internal sealed class CriterionTotalConfiguration : IEntityTypeConfiguration<CriterionTotal>
{
    public void Configure(EntityTypeBuilder<CriterionTotal> b)
    {
        b.HasKey(t => new { t.OrganisationId, t.UserId, t.Criterion });
        b.Property(t => t.Criterion).HasMaxLength(100);
    }
}


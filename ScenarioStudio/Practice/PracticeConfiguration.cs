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
        b.HasIndex(s => new { s.OrganisationId, s.ScenarioId });
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
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScenarioStudio.Ai;

internal sealed class OrganisationAiSettingsConfiguration : IEntityTypeConfiguration<OrganisationAiSettings>
{
    public void Configure(EntityTypeBuilder<OrganisationAiSettings> b)
    {
        b.HasKey(s => s.OrganisationId);
        b.Property(s => s.Provider).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Endpoint).HasMaxLength(300);
        b.Property(s => s.Model).HasMaxLength(100);
        b.Property(s => s.ProtectedApiKey).HasMaxLength(2000);
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

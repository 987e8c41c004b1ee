using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScenarioStudio.Scenarios;

internal sealed class ScenarioConfiguration : IEntityTypeConfiguration<Scenario>
{
    public void Configure(EntityTypeBuilder<Scenario> b)
    {
        b.Property(s => s.Slug).HasMaxLength(80);
        b.Property(s => s.Title).HasMaxLength(100);
        b.Property(s => s.Description).HasMaxLength(500);
        b.Property(s => s.Category).HasMaxLength(50);
        b.Property(s => s.Locale).HasMaxLength(20);
        b.Property(s => s.TemplateKey).HasMaxLength(80);
        b.Property(s => s.Domain).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Difficulty).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Visibility).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Revision).IsConcurrencyToken();
        b.Json(s => s.Tags);
        b.Json(s => s.Persona);
        b.Json(s => s.Context);
        b.Json(s => s.Tone);
        b.Json(s => s.Rubric);
        b.Json(s => s.Ai);
        b.HasMany(s => s.Phases).WithOne().HasForeignKey(p => p.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.Slug }).IsUnique();
        b.HasIndex(s => new { s.OrganisationId, s.Status, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.Title });
        // Filtered lists walk these in date order and stop at the page (measured with bench/ search).
        b.HasIndex(s => new { s.OrganisationId, s.Domain, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.Difficulty, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.CreatedById });
        // Start-up seeding asks each organisation which library templates it has; only library scenarios have a key,
        // so the index stays as small as the library whatever else an organisation writes.
        b.HasIndex(s => new { s.OrganisationId, s.TemplateKey }).HasFilter("\"TemplateKey\" IS NOT NULL");
    }
}

internal sealed class ScenarioPhaseConfiguration : IEntityTypeConfiguration<ScenarioPhase>
{
    public void Configure(EntityTypeBuilder<ScenarioPhase> b)
    {
        b.Property(p => p.Name).HasMaxLength(80);
        b.Json(p => p.Content);
        b.HasIndex(p => new { p.ScenarioId, p.Order });
    }
}

public static class JsonColumnExtensions
{
    /// <summary>Stores a value as a JSON text column, compared by its JSON so in-place edits are detected.</summary>
    public static void Json<TEntity, T>(this EntityTypeBuilder<TEntity> b, System.Linq.Expressions.Expression<Func<TEntity, T>> property)
        where TEntity : class
    {
        b.Property(property).HasConversion(
            v => ScenarioJson.Serialize(v),
            v => ScenarioJson.Deserialize<T>(v),
            new ValueComparer<T>(
                (x, y) => ScenarioJson.Serialize(x) == ScenarioJson.Serialize(y),
                v => ScenarioJson.Serialize(v).GetHashCode(),
                v => ScenarioJson.Clone(v)));
    }
}

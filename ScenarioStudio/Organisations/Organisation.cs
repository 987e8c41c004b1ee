using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScenarioStudio.Organisations;

/// <summary>A tenant: every organisation-owned row carries its id and is filtered by it.</summary>
public sealed class Organisation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    /// <summary>Hex colour such as #3B5BDB, applied as the MudBlazor primary colour.</summary>
    public string PrimaryColour { get; set; } = Branding.DefaultPrimaryColour;
    public byte[]? Logo { get; set; }
    public string? LogoContentType { get; set; }
    /// <summary>Changes when the logo changes, so browsers fetch the new one.</summary>
    public int LogoVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>An Admin may approve a change they submitted themselves (off: every change needs a second person).</summary>
    public bool AllowSelfApproval { get; set; }
    /// <summary>Set by the install's Operator: its members cannot sign in or use the app until it is resumed; nothing is deleted.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
}

/// <summary>Implemented by every entity that belongs to one organisation.</summary>
public interface IOrganisationOwned
{
    Guid OrganisationId { get; set; }
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.Property(o => o.Name).HasMaxLength(Branding.MaxNameLength);
        b.Property(o => o.PrimaryColour).HasMaxLength(7);
        b.Property(o => o.LogoContentType).HasMaxLength(50);
    }
}

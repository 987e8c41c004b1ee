using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Personas;

/// <summary>
/// A persona's picture, cleaned by <see cref="Uploads.UploadedImage.Clean"/> (a fresh PNG), kept out of the scenario's JSON:
/// the persona holds its <see cref="Id"/> (<see cref="Persona.AvatarId"/>) and /avatars/{id} serves it to the organisation's
/// members only. Never changed once written: a new picture is a new row, so a URL can be cached for good.
/// </summary>
public sealed class PersonaAvatar : IOrganisationOwned
{
    /// <summary>32 lower-case hex digits (a GUID): not guessable, and the same in every copy of the scenario (versions, duplicates).</summary>
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public Guid OrganisationId { get; set; }
    public byte[] Content { get; set; } = [];
    public string ContentType { get; set; } = "image/png";
    public int Width { get; set; }
    public int Height { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class PersonaAvatarConfiguration : IEntityTypeConfiguration<PersonaAvatar>
{
    public void Configure(EntityTypeBuilder<PersonaAvatar> b)
    {
        b.ToTable("PersonaAvatars");
        b.Property(a => a.Id).HasMaxLength(32);
        b.Property(a => a.ContentType).HasMaxLength(50);
        b.Property(a => a.CreatedById).HasMaxLength(64);
        b.HasIndex(a => new { a.OrganisationId, a.CreatedAt });
    }
}

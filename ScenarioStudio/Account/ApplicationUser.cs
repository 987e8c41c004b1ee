using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Account;

/// <summary>An Identity account; each account belongs to exactly one organisation with one role.</summary>
public sealed class ApplicationUser : IdentityUser, IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public string DisplayName { get; set; } = "";
    public OrgRole Role { get; set; }
    /// <summary>A deactivated member cannot sign in; their history stays.</summary>
    public bool IsActive { get; set; } = true;
    /// <summary>IANA time zone id, used for streaks and schedules.</summary>
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.TimeZone).HasMaxLength(64);
        b.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        b.HasOne(u => u.Organisation).WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(u => new { u.OrganisationId, u.Role });
    }
}

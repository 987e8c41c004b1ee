using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScenarioStudio.Organisations;

/// <summary>
/// A single-use link that lets one person join an organisation with a role.
/// Only a SHA-256 hash of the token is stored, so a database copy cannot be used to join.
/// </summary>
public sealed class Invitation : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string TokenHash { get; set; } = "";
    public OrgRole Role { get; set; }
    /// <summary>Optional: when set, only this e-mail address can accept.</summary>
    public string? Email { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public string? AcceptedById { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// A new invitation and the token its link carries (32 random bytes); only the token's hash is stored, so the link
    /// works once it is given out and the database never holds it.
    /// </summary>
    public static (Invitation Invitation, string Token) Create(Guid organisationId, OrgRole role, string? email, string createdById,
        DateTimeOffset now, int validDays)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (new Invitation
        {
            OrganisationId = organisationId, TokenHash = HashToken(token), Role = role, Email = email, CreatedById = createdById,
            CreatedAt = now, ExpiresAt = now.AddDays(validDays),
        }, token);
    }

    /// <summary>How a token is stored and looked up.</summary>
    public static string HashToken(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public bool IsOpen(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;

    /// <summary><see cref="IsOpen"/> as a filter the database evaluates: the condition of the update that accepts an invitation.</summary>
    public static Expression<Func<Invitation, bool>> OpenAt(DateTimeOffset now) =>
        i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now;
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.Property(i => i.TokenHash).HasMaxLength(64);
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.Email).HasMaxLength(256);
        b.HasIndex(i => i.OrganisationId);
    }
}

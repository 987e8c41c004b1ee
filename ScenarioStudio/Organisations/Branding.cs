using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Organisations;

public sealed record BrandingInfo(Guid OrganisationId, string Name, string PrimaryColour, string? LogoUrl);

public sealed record LogoFile(byte[] Content, string ContentType);

/// <summary>Organisation settings: name, primary colour and logo.</summary>
public sealed partial class Branding(CurrentUser currentUser, TenantDb tenantDb)
{
    public const string DefaultPrimaryColour = "#3B5BDB";
    public const int MaxNameLength = 80;
    public const int MaxLogoBytes = 256 * 1024;

    /// <summary>Raised in this circuit after the settings change, so the layout re-themes at once.</summary>
    public event Action? Changed;

    public async Task<BrandingInfo> GetAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var org = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == caller.OrganisationId, ct);
        return ToInfo(org);
    }

    public async Task<BrandingInfo> UpdateAsync(string name, string primaryColour, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        name = name.Trim();
        primaryColour = primaryColour.Trim();
        new FieldErrors()
            .Check(name.Length is >= 2 and <= MaxNameLength, "Name", $"The organisation name must be 2 to {MaxNameLength} characters.")
            .Check(ColourPattern().IsMatch(primaryColour), "PrimaryColour", "Use a hex colour such as #3B5BDB.")
            .ThrowIfAny();

        await using var db = await tenantDb.OpenAsync(caller, ct);
        var org = await db.Organisations.SingleAsync(o => o.Id == caller.OrganisationId, ct);
        org.Name = name;
        org.PrimaryColour = primaryColour.ToUpperInvariant();
        await db.SaveChangesAsync(ct);
        Changed?.Invoke();
        return ToInfo(org);
    }

    public async Task<BrandingInfo> SetLogoAsync(byte[] content, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        if (content.Length == 0 || content.Length > MaxLogoBytes)
            throw new ValidationFailedException("Logo", $"The logo must be an image of at most {MaxLogoBytes / 1024} KB.");
        var contentType = SniffImageType(content)
            ?? throw new ValidationFailedException("Logo", "The logo must be a PNG, JPEG or WebP image.");

        await using var db = await tenantDb.OpenAsync(caller, ct);
        var org = await db.Organisations.SingleAsync(o => o.Id == caller.OrganisationId, ct);
        org.Logo = content;
        org.LogoContentType = contentType;
        org.LogoVersion++;
        await db.SaveChangesAsync(ct);
        Changed?.Invoke();
        return ToInfo(org);
    }

    public async Task<BrandingInfo> RemoveLogoAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var org = await db.Organisations.SingleAsync(o => o.Id == caller.OrganisationId, ct);
        org.Logo = null;
        org.LogoContentType = null;
        org.LogoVersion++;
        await db.SaveChangesAsync(ct);
        Changed?.Invoke();
        return ToInfo(org);
    }

    /// <summary>The caller's own organisation logo, for the /branding/logo endpoint.</summary>
    public async Task<LogoFile?> GetLogoAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var logo = await db.Organisations.AsNoTracking().Where(o => o.Id == caller.OrganisationId)
            .Select(o => new { o.Logo, o.LogoContentType }).SingleAsync(ct);
        return logo.Logo is null ? null : new LogoFile(logo.Logo, logo.LogoContentType!);
    }

    /// <summary>Only raster formats whose magic bytes match: SVG is refused because it can carry script.</summary>
    internal static string? SniffImageType(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return "image/png";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        return null;
    }

    private static BrandingInfo ToInfo(Organisation org) =>
        new(org.Id, org.Name, org.PrimaryColour, org.Logo is null ? null : $"/branding/logo?v={org.LogoVersion}");

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColourPattern();
}

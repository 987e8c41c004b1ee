using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Uploads;

namespace ScenarioStudio.Organisations;

public sealed record BrandingInfo(Guid OrganisationId, string Name, string PrimaryColour, string? LogoUrl);

/// <summary>A logo and its entity tag (organisation and logo version), for the /branding/logo endpoint.</summary>
public sealed record LogoFile(byte[] Content, string ContentType, string ETag);

/// <summary>
/// Organisation settings: name, primary colour and logo. Every circuit reads the branding when it starts, so it is
/// cached per organisation (name, colour and logo version, never the logo itself, which the browser fetches by URL
/// and caches by its entity tag). Changes go through this class, which replaces the cached entry after saving and
/// evicts it on every other node (<see cref="BrandingCacheEviction"/>); the expiry bounds how long a node that missed
/// the eviction (Redis down for a moment) could show an old name or colour.
/// </summary>
public sealed partial class Branding(CurrentUser currentUser, TenantDb tenantDb, IMemoryCache cache, BrandingCacheEviction eviction, AuditTrail audit)
{
    public const string DefaultPrimaryColour = "#3B5BDB";
    public const int MaxNameLength = 80;
    public const int MaxLogoBytes = 256 * 1024;
    public const int MaxLogoSide = 512;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    /// <summary>Raised in this circuit after the settings change, so the layout re-themes at once.</summary>
    public event Action? Changed;

    /// <summary>What the cache holds: the columns the layout needs, the logo's version instead of its bytes.</summary>
    private sealed record Settings(string Name, string PrimaryColour, int LogoVersion, bool HasLogo);

    public async Task<BrandingInfo> GetAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        return ToInfo(caller.OrganisationId, await SettingsAsync(caller, ct));
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

        var colour = primaryColour.ToUpperInvariant();
        return await SaveAsync(caller, o => o.SetProperty(x => x.Name, name).SetProperty(x => x.PrimaryColour, colour),
            (before, after) => AuditTrail.Diff(("Name", before.Name, after.Name), ("Primary colour", before.PrimaryColour, after.PrimaryColour)), ct);
    }

    public async Task<BrandingInfo> SetLogoAsync(byte[] content, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        if (content.Length == 0 || content.Length > MaxLogoBytes)
            throw new ValidationFailedException("Logo", $"The logo must be an image of at most {MaxLogoBytes / 1024} KB.");
        // Decoded within a pixel budget and stored as a freshly encoded PNG of at most 512 px a side: every member's
        // browser shows it, so nothing of the uploaded file but its pixels is kept.
        var (logo, problem) = UploadedImage.Clean(content, MaxLogoSide);
        if (logo is null) throw new ValidationFailedException("Logo", problem!);

        return await SaveAsync(caller, o => o.SetProperty(x => x.Logo, logo.Content).SetProperty(x => x.LogoContentType, logo.ContentType)
            .SetProperty(x => x.LogoVersion, x => x.LogoVersion + 1),
            (before, _) => [new FieldChange("Logo", before.HasLogo ? "set" : "none", before.HasLogo ? "replaced" : "set")], ct);
    }

    public async Task<BrandingInfo> RemoveLogoAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        return await SaveAsync(caller, o => o.SetProperty(x => x.Logo, (byte[]?)null).SetProperty(x => x.LogoContentType, (string?)null)
            .SetProperty(x => x.LogoVersion, x => x.LogoVersion + 1),
            (before, _) => before.HasLogo ? [new FieldChange("Logo", "set", "removed")] : [], ct);
    }

    /// <summary>The caller's logo's entity tag from the cached settings, or null without a logo: a 304 needs no blob.</summary>
    public async Task<string?> GetLogoETagAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        var settings = await SettingsAsync(caller, ct);
        return settings.HasLogo ? ETag(caller.OrganisationId, settings.LogoVersion) : null;
    }

    /// <summary>The caller's own organisation logo, for the /branding/logo endpoint, with the tag of the version read.</summary>
    public async Task<LogoFile?> GetLogoAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var logo = await db.Organisations.AsNoTracking().Where(o => o.Id == caller.OrganisationId)
            .Select(o => new { o.Logo, o.LogoContentType, o.LogoVersion }).SingleAsync(ct);
        return logo.Logo is null ? null : new LogoFile(logo.Logo, logo.LogoContentType!, ETag(caller.OrganisationId, logo.LogoVersion));
    }

    private async Task<Settings> SettingsAsync(Caller caller, CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey(caller.OrganisationId), out Settings? cached)) return cached!;
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return Remember(caller.OrganisationId, await ReadAsync(db, caller.OrganisationId, ct));
    }

    /// <summary>
    /// Writes the columns without loading the row (and its logo), records what changed in the audit log in the same
    /// transaction, then caches what was saved.
    /// </summary>
    private async Task<BrandingInfo> SaveAsync(Caller caller,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Organisation>> set, Func<Settings, Settings, List<FieldChange>> changes,
        CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = await ReadAsync(db, caller.OrganisationId, ct);
        await db.Organisations.Where(o => o.Id == caller.OrganisationId).ExecuteUpdateAsync(set, ct);
        var settings = await ReadAsync(db, caller.OrganisationId, ct);
        if (changes(before, settings) is { Count: > 0 } changed)
        {
            audit.Record(db, caller, AuditAction.SettingsChange, new AuditSubject(AuditSubjects.Organisation, caller.OrganisationId.ToString(), settings.Name),
                $"Changed the organisation's {string.Join(", ", changed.Select(c => c.Field.ToLowerInvariant()))}", changed);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        eviction.Evict(caller.OrganisationId); // first: the local eviction is synchronous, the entry set below stays
        Remember(caller.OrganisationId, settings);
        Changed?.Invoke();
        return ToInfo(caller.OrganisationId, settings);
    }

    private static Task<Settings> ReadAsync(AppDbContext db, Guid organisationId, CancellationToken ct) =>
        db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new Settings(o.Name, o.PrimaryColour, o.LogoVersion, o.LogoContentType != null)).SingleAsync(ct);

    private Settings Remember(Guid organisationId, Settings settings) =>
        cache.Set(CacheKey(organisationId), settings, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 });

    internal static string CacheKey(Guid organisationId) => $"branding:{organisationId:N}";

    private static string ETag(Guid organisationId, int logoVersion) => $"\"{organisationId:N}-{logoVersion}\"";

    // The organisation is in the URL too, so a browser shared by members of two organisations never shows one the other's logo.
    private static BrandingInfo ToInfo(Guid organisationId, Settings s) =>
        new(organisationId, s.Name, s.PrimaryColour, s.HasLogo ? $"/branding/logo?o={organisationId:N}&v={s.LogoVersion}" : null);

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColourPattern();
}

/// <summary>An organisation's branding changed: every node drops its cached copy.</summary>
public sealed record BrandingChanged(Guid OrganisationId);

/// <summary>
/// Drops a node's cached branding when any node saves a change (through <see cref="ILiveEvents{T}"/>, so through
/// Redis when scaled out). A singleton that subscribes when first used: a node that never read branding has nothing to drop.
/// </summary>
public sealed class BrandingCacheEviction : IDisposable
{
    private readonly ILiveEvents<BrandingChanged> events;
    private readonly IDisposable subscription;

    public BrandingCacheEviction(IMemoryCache cache, ILiveEvents<BrandingChanged> events)
    {
        this.events = events;
        subscription = events.Subscribe(changed => cache.Remove(Branding.CacheKey(changed.OrganisationId)));
    }

    public void Evict(Guid organisationId) => events.Publish(new BrandingChanged(organisationId));

    public void Dispose() => subscription.Dispose();
}

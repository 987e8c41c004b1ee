using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using ScenarioStudio.Data;

namespace ScenarioStudio.Account;

/// <summary>
/// One signed-in browser. The sign-in cookie carries only a random key; the ticket lives here, so signing out ends
/// the session on the server (a copied cookie stops working), and a session whose account changed its security stamp
/// (password reset or change, two-factor change, role change, deactivation, "sign out everywhere") is refused on the
/// very next request.
/// </summary>
public sealed class SignInSession
{
    /// <summary>SHA-256 of the cookie's key: the database alone cannot be turned into a working cookie.</summary>
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    /// <summary>The account's security stamp when the session was issued; a different stamp now means the session is over.</summary>
    public string? SecurityStamp { get; set; }
    public byte[] Ticket { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> b)
    {
        b.Property(s => s.Id).HasMaxLength(64);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.UserId);
        b.HasIndex(s => s.ExpiresAt);
    }
}

/// <summary>The cookie handler's server-side session store (ASP.NET Core's <see cref="ITicketStore"/>), in the app's database.</summary>
public sealed class SignInSessionStore(TenantDb tenantDb, TimeProvider clock, IOptions<IdentityOptions> identity) : ITicketStore
{
    /// <summary>The claim that names the session in the signed-in principal, so an open circuit can check it is still current.</summary>
    public const string SessionClaim = "scenariostudio:session";

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var id = Hash(key);
        var identityOfTicket = ticket.Principal.Identities.First();
        identityOfTicket.AddClaim(new Claim(SessionClaim, id));
        var now = clock.GetUtcNow();
        // Session rows are few and read by key; system context: the store runs before any organisation is known.
        await using var db = await tenantDb.OpenAsSystemAsync(cancellationToken);
        await db.SignInSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        db.Add(new SignInSession
        {
            Id = id,
            UserId = ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType) ?? "",
            SecurityStamp = Stamp(ticket),
            Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var (id, bytes) = (Hash(key), TicketSerializer.Default.Serialize(ticket));
        await using var db = await tenantDb.OpenAsSystemAsync(cancellationToken);
        await db.SignInSessions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, ticket.Properties.ExpiresUtc), cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        var ticket = await CurrentTicketAsync(Hash(key), cancellationToken);
        return ticket is null ? null : TicketSerializer.Default.Deserialize(ticket);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var id = Hash(key);
        await using var db = await tenantDb.OpenAsSystemAsync(cancellationToken);
        await db.SignInSessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>True while the session named in <paramref name="principal"/> is signed in, unexpired and its account's stamp unchanged.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default) =>
        principal.FindFirstValue(SessionClaim) is { } id && await CurrentTicketAsync(id, ct) is not null;

    /// <summary>The session's ticket, in one query that also checks expiry, the account's stamp and that it is active.</summary>
    private async Task<byte[]?> CurrentTicketAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        return await db.SignInSessions
            .Where(s => s.Id == id && (s.ExpiresAt == null || s.ExpiresAt > now))
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.Ticket, Issued = s.SecurityStamp, u.SecurityStamp, u.IsActive })
            .Where(x => x.IsActive && x.Issued == x.SecurityStamp)
            .Select(x => x.Ticket)
            .SingleOrDefaultAsync(ct);
    }

    private string? Stamp(AuthenticationTicket ticket) => ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

public static class SignInSessionExtensions
{
    /// <summary>Keeps sign-in tickets on the server (<see cref="SignInSessionStore"/>) instead of inside the cookie.</summary>
    public static IServiceCollection AddSignInSessions(this IServiceCollection services)
    {
        services.AddSingleton<SignInSessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<SignInSessionStore>((cookie, store) => cookie.SessionStore = store);
        return services;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Organisations;

/// <summary>Who is calling a service: always read fresh from the database, so a role change or a
/// deactivation takes effect on the next call, not at the next sign-in.</summary>
public sealed record Caller(string UserId, Guid OrganisationId, OrgRole Role, string DisplayName);

/// <summary>
/// Scoped per circuit or request. Components get the user from the authentication state;
/// HTTP endpoints and tests hand the principal in with <see cref="Use"/>.
/// </summary>
public sealed class CurrentUser(IServiceProvider services, TenantDb tenantDb)
{
    private ClaimsPrincipal? principal;

    public const string SuspendedMessage = "Your organisation is suspended by the operator of this install. Nothing has been deleted; " +
        "ask your Admin or the operator when it will be resumed.";

    public void Use(ClaimsPrincipal user) => principal = user;

    public async Task<ClaimsPrincipal> GetPrincipalAsync()
    {
        if (principal is not null) return principal;
        try
        {
            var auth = services.GetService<AuthenticationStateProvider>();
            if (auth is null) return new ClaimsPrincipal(new ClaimsIdentity());
            return (await auth.GetAuthenticationStateAsync()).User;
        }
        catch (ObjectDisposedException gone)
        {
            // The page went away while a component was still loading (its circuit's services are disposed with it): the
            // work is cut short, not failed. Blazor ignores a component task that ends cancelled.
            throw new OperationCanceledException("The page has gone: its circuit's services are disposed.", gone);
        }
    }

    /// <summary>The signed-in, active member, or throws <see cref="ForbiddenException"/>.</summary>
    public async Task<Caller> GetAsync(CancellationToken ct = default)
    {
        // A call for a page that has gone stops here, before it asks the circuit's services (disposed with it) for the user.
        ct.ThrowIfCancellationRequested();
        var user = await GetPrincipalAsync();
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new ForbiddenException("You are not signed in.");
        await using var db = await tenantDb.OpenAsSystemAsync(ct); // who is calling decides the organisation
        var member = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.OrganisationId, u.Role, u.DisplayName, u.IsActive,
                Suspended = db.Organisations.Any(o => o.Id == u.OrganisationId && o.SuspendedAt != null) })
            .SingleOrDefaultAsync(ct);
        if (member is null || !member.IsActive)
            throw new ForbiddenException("Your account is not active in this organisation.");
        if (member.Suspended) throw new ForbiddenException(SuspendedMessage);
        return new Caller(member.Id, member.OrganisationId, member.Role, member.DisplayName);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace ScenarioStudio.Account;

/// <summary>
/// Revalidates the connected user every minute while an interactive circuit is connected: the sign-in session must
/// still be current, which <see cref="SignInSessionStore.IsCurrentAsync"/> checks in one query (not signed out, not
/// expired, the account active and its security stamp the one the session was issued with), so role changes,
/// password resets and deactivation reach open pages within a minute too.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory, SignInSessionStore sessions, IHostApplicationLifetime lifetime)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillSignedInAsync(authenticationState.User, cancellationToken);

    internal async Task<bool> IsStillSignedInAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            return await sessions.IsCurrentAsync(user, cancellationToken);
        }
        catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The app shut down under a connected page while its check ran: the circuit goes with it, so there is
            // nothing to sign out and nothing to report.
            return true;
        }
    }
}

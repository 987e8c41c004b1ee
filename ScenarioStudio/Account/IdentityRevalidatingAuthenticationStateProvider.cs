using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace ScenarioStudio.Account;

/// <summary>
/// Revalidates the connected user every minute while an interactive circuit is connected: the sign-in session must
/// still be current, which <see cref="SignInSessionStore.IsCurrentAsync"/> checks in one query (not signed out, not
/// expired, the account active and its security stamp the one the session was issued with), so role changes,
/// password resets and deactivation reach open pages within a minute too.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, SignInSessionStore sessions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        sessions.IsCurrentAsync(authenticationState.User, cancellationToken);
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Account;

/// <summary>Deactivated members cannot sign in, whatever their password.</summary>
public sealed class ScenarioStudioSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    TenantDb tenantDb)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        user.IsActive && !await IsSuspendedAsync(user.OrganisationId) && await base.CanSignInAsync(user);

    /// <summary>Members of an organisation the Operator suspended cannot sign in either (<see cref="OperatorService"/>).</summary>
    public async Task<bool> IsSuspendedAsync(Guid organisationId)
    {
        await using var db = await tenantDb.OpenAsSystemAsync();
        return await db.Organisations.AnyAsync(o => o.Id == organisationId && o.SuspendedAt != null);
    }
}

/// <summary>Puts the member's role and organisation into the cookie, so [Authorize(Roles = ...)] and navigation work.</summary>
public sealed class ScenarioStudioClaimsFactory(UserManager<ApplicationUser> userManager, IOptions<IdentityOptions> options,
    IOptionsMonitor<OperatorOptions> operators)
    : UserClaimsPrincipalFactory<ApplicationUser>(userManager, options)
{
    /// <summary>Shows the Operator's page in the menu; <see cref="OperatorService"/> checks the configured addresses itself on every call.</summary>
    public const string OperatorClaim = "operator";

    public const string OrganisationClaim = "org";
    public const string DisplayNameClaim = "display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(OrganisationClaim, user.OrganisationId.ToString()));
        identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        if (operators.CurrentValue.IsOperator(user.Email)) identity.AddClaim(new Claim(OperatorClaim, "true"));
        return identity;
    }
}

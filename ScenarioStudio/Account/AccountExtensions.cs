using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Account;

public static class AccountExtensions
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddHttpContextAccessor();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "ScenarioStudio.Auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
        });
        services.AddSignInSessions();
        services.AddAuthorization(options =>
        {
            options.AddPermissionPolicies();
            options.AddPolicy(ScenarioStudioClaimsFactory.OperatorClaim, policy => policy.RequireClaim(ScenarioStudioClaimsFactory.OperatorClaim));
        });

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                // ASVS 5.0 V6.2: length, not composition; long passphrases allowed; common passwords refused.
                options.Password.RequiredLength = CommonPasswordValidator.MinLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<SystemDbContext>()
            .AddSignInManager<ScenarioStudioSignInManager>()
            .AddClaimsPrincipalFactory<ScenarioStudioClaimsFactory>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddPasswordValidator<AccountWordsPasswordValidator>()
            .AddDefaultTokenProviders();

        services.AddScoped<SignUpService>();
        return builder;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}

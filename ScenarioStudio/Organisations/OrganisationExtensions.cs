using Microsoft.AspNetCore.Mvc;

namespace ScenarioStudio.Organisations;

public static class OrganisationExtensions
{
    public static IHostApplicationBuilder AddOrganisations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<Branding>();
        builder.Services.AddScoped<MemberService>();
        builder.Services.AddScoped<TeamService>();
        builder.Services.AddScoped<OverviewService>();
        return builder;
    }

    public static WebApplication MapOrganisations(this WebApplication app)
    {
        app.MapGet("/branding/logo", async (HttpContext context, [FromServices] CurrentUser currentUser, [FromServices] Branding branding) =>
        {
            currentUser.Use(context.User);
            var logo = await branding.GetLogoAsync(context.RequestAborted);
            if (logo is null) return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(logo.Content, logo.ContentType);
        }).RequireAuthorization();
        return app;
    }
}

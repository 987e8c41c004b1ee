using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace ScenarioStudio.Organisations;

public static class OrganisationExtensions
{
    public static IHostApplicationBuilder AddOrganisations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<Branding>();
        builder.Services.AddSingleton<BrandingCacheEviction>();
        builder.Services.AddScoped<MemberService>();
        builder.Services.AddScoped<TeamService>();
        builder.Services.AddScoped<OverviewService>();
        builder.Services.AddScoped<OperatorService>();
        builder.Services.Configure<OperatorOptions>(builder.Configuration.GetSection(OperatorOptions.Section));
        return builder;
    }

    public static WebApplication MapOrganisations(this WebApplication app)
    {
        // The layout links the logo as /branding/logo?o=…&v=<version>: a new logo is a new URL, so browsers may keep
        // one for a day; after that they ask again with If-None-Match and get a 304 without the image being read.
        app.MapGet("/branding/logo", async (HttpContext context, [FromServices] CurrentUser currentUser, [FromServices] Branding branding) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var current = await branding.GetLogoETagAsync(ct);
            if (current is null) return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=86400";
            var tag = new EntityTagHeaderValue(current);
            if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } asked
                && asked.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false)))
            {
                context.Response.Headers.ETag = current;
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            var logo = await branding.GetLogoAsync(ct);
            if (logo is null) return Results.NotFound();
            return Results.File(logo.Content, logo.ContentType, entityTag: new EntityTagHeaderValue(logo.ETag));
        }).RequireAuthorization();
        return app;
    }
}

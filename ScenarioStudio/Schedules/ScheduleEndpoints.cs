using Microsoft.AspNetCore.Mvc;

namespace ScenarioStudio.Schedules;

public static class ScheduleExtensions
{
    /// <summary>Team practice schedules, attendance and members' calendar feeds.</summary>
    public static IHostApplicationBuilder AddSchedules(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ScheduleService>();
        builder.Services.AddScoped<CalendarFeedService>();
        return builder;
    }

    /// <summary>
    /// <c>/calendar/{token}.ics</c>: no sign-in (calendar apps cannot), the secret token is the key. An unknown or
    /// revoked token is a plain 404, the same as a mistyped one.
    /// </summary>
    public static WebApplication MapCalendarFeeds(this WebApplication app)
    {
        app.MapGet("/calendar/{token}.ics", async (string token, HttpContext context, [FromServices] CalendarFeedService feeds) =>
        {
            var appUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/";
            var ics = await feeds.RenderAsync(token, appUrl, context.RequestAborted);
            if (ics is null) return Results.NotFound();
            // The URL is a secret: keep it out of shared caches and referrers.
            context.Response.Headers.CacheControl = "private, no-store";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Results.Text(ics, "text/calendar; charset=utf-8");
        }).AllowAnonymous();
        return app;
    }
}

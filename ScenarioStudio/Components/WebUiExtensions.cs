using System.Net;
using System.Threading.RateLimiting;
using MudBlazor.Services;
using RedisRateLimiting;
using StackExchange.Redis;

namespace ScenarioStudio.Components;

public static class WebUiExtensions
{
    /// <summary>
    /// The rate-limit policy of the pages that take a password, a code or an invitation (sign-in, two-factor, recovery codes,
    /// sign-up and invitation redemption, password reset): <c>@attribute [EnableRateLimiting(WebUiExtensions.AccountPosts)]</c>.
    /// It is endpoint metadata, so every spelling of the URL that reaches the page (case, trailing slash) is limited.
    /// </summary>
    public const string AccountPosts = "account-posts";

    public static IHostApplicationBuilder AddWebUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Messages appear at the bottom, clear of the page headers' Save, Preview and lifecycle buttons.
        builder.Services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        builder.Services.AddSingleton<Layout.AppTheme>();

        // Posts to the account pages share one budget per client address; reading a form costs nothing; other endpoints
        // are unlimited. The policy is attached to the pages themselves (endpoint metadata), not matched against paths.
        var perMinute = builder.Configuration.GetValue("RateLimits:SignInPerMinute", 10);
        // Several nodes count one budget per address in Redis: behind a balancer an address must not get a budget per node.
        var scaledOut = ScaleOut.ScaleOutOptions.IsOn(builder.Configuration);
        var prefix = builder.Configuration.GetSection(ScaleOut.ScaleOutOptions.Section).Get<ScaleOut.ScaleOutOptions>()?.KeyPrefix ?? "";
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(context.HttpContext.Response.WriteAsync(
                    "Too many attempts from this address. Wait a minute and try again.", ct));
            };
            options.AddPolicy(AccountPosts, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method)) return RateLimitPartition.GetNoLimiter("read");
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (!scaledOut)
                    return RateLimitPartition.GetFixedWindowLimiter(address,
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) });
                var redis = context.RequestServices.GetRequiredService<IConnectionMultiplexer>(); // the singleton, not the request's scope
                return RedisRateLimitPartition.GetFixedWindowRateLimiter($"{prefix}signin:{address}",
                    _ => new RedisFixedWindowRateLimiterOptions { ConnectionMultiplexerFactory = () => redis, PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1) });
            });
        });
        return builder;
    }

    public static WebApplication UseWebUi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A ForbiddenException reaching an HTTP endpoint is a 403, not a server error.
            StatusCodeSelector = ex => ex switch
            {
                ForbiddenException => (int)HttpStatusCode.Forbidden,
                ValidationFailedException => (int)HttpStatusCode.BadRequest,
                _ => (int)HttpStatusCode.InternalServerError,
            },
            ExceptionHandlingPath = "/Error",
            CreateScopeForErrors = true,
        });
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use(SecurityHeaders);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot-assets")),
            RequestPath = "/assets",
        });
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode(o =>
            {
                // Render batches are a few hundred bytes: compressing each one costs CPU at both ends and a deflate
                // state per circuit on the server, and saves next to nothing. Our own CSP (below) says
                // frame-ancestors 'none' in any case; one policy header, not two.
                o.DisableWebSocketCompression = true;
                o.ContentSecurityFrameAncestorsPolicy = null;
            });
        return app;
    }

    /// <summary>
    /// A CSP Blazor Server works with: scripts only from this origin; connections (the circuit's WebSocket included:
    /// CSP 3 lets 'self' match ws/wss to the same host) only to this origin; no framing, no plugins. Styles keep
    /// 'unsafe-inline' because MudBlazor needs it twice over: its theme provider writes the organisation's theme as an
    /// inline style element, and popovers, charts and progress bars are positioned with style attributes; markup
    /// injection is stopped where text is rendered instead (Razor encodes, charts go through TextChart).
    /// </summary>
    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
            "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; object-src 'none'; " +
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), geolocation=(), microphone=(self)";
        return next();
    }
}

using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace ScenarioStudio.Components;

/// <summary>
/// Running behind the TLS-terminating proxy the README recommends (nginx, Caddy): the proxy's X-Forwarded-For and
/// X-Forwarded-Proto are believed only from the addresses configured as trusted (loopback always), so the app sees
/// the real client address (rate limits, logs) and the real scheme (Secure cookies, HSTS). From anywhere else the
/// headers are ignored.
/// </summary>
public static class ReverseProxyExtensions
{
    public static IHostApplicationBuilder AddReverseProxy(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("ReverseProxy");
        var proxies = Values(section, "KnownProxies")
            .Select(text => IPAddress.TryParse(text, out var ip) ? ip : throw NotAnAddress("KnownProxies", text, "an IP address"))
            .ToList();
        var networks = Values(section, "KnownNetworks")
            .Select(text => System.Net.IPNetwork.TryParse(text, out var net) ? net : throw NotAnAddress("KnownNetworks", text, "a range such as 10.0.0.0/8"))
            .ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy in front: the last address it appends is the client; earlier ones are the client's own claims.
            o.ForwardLimit = 1;
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        // Every cookie the app sets (sign-in, two-factor, antiforgery) is Secure whenever the request came over HTTPS.
        builder.Services.ConfigureAll<CookieAuthenticationOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(section.GetValue("HstsMaxAgeDays", 365)));
        return builder;
    }

    /// <summary>First in the pipeline: everything after it sees the client's address and scheme.</summary>
    public static WebApplication UseReverseProxy(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Sent only on HTTPS requests, and never to localhost (ASP.NET Core's own exclusions).
        app.UseHsts();
        return app;
    }

    private static IEnumerable<string> Values(IConfigurationSection section, string key) =>
        (section.GetSection(key).Get<string[]>() ?? []).Select(v => v.Trim()).Where(v => v.Length > 0);

    private static InvalidOperationException NotAnAddress(string key, string text, string expected) =>
        new($"ReverseProxy:{key} holds \"{text}\", which is not {expected}.");
}

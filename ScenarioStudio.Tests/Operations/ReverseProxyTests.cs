using System.Net;
using Microsoft.AspNetCore.Http;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Operations;

/// <summary>
/// Issue 20.6: behind the TLS proxy the README recommends, the app believes X-Forwarded-Proto and -For from the
/// configured proxy only: then its cookies are Secure, it sends HSTS, and rate limits count the real client.
/// </summary>
public sealed class ReverseProxyTests : IDisposable
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");
    private readonly TestApp factory = new(new Dictionary<string, string>
    {
        ["ReverseProxy:KnownProxies:0"] = Proxy.ToString(), ["RateLimits:SignInPerMinute"] = "2",
    });

    [Fact]
    public async Task Https_through_the_trusted_proxy_gets_secure_cookies_and_hsts()
    {
        var response = await SendAsync(Proxy, "GET", "/Account/Login", proto: "https");

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.StartsWith("max-age=31536000", response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
        var cookies = response.Headers.SetCookie.ToArray();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_else_are_ignored()
    {
        var response = await SendAsync(IPAddress.Parse("203.0.113.9"), "GET", "/Account/Login", proto: "https");

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Empty(response.Headers.StrictTransportSecurity.ToString());
        Assert.All(response.Headers.SetCookie.ToArray(), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_sign_in_limit_counts_each_client_behind_the_proxy_separately()
    {
        async Task<int> PostAs(string client) => (await SendAsync(Proxy, "POST", "/Account/Login", forwardedFor: client)).StatusCode;

        var first = new[] { await PostAs("198.51.100.1"), await PostAs("198.51.100.1"), await PostAs("198.51.100.1") };
        var other = await PostAs("198.51.100.2");

        Assert.Equal(StatusCodes.Status429TooManyRequests, first[2]);
        Assert.NotEqual(StatusCodes.Status429TooManyRequests, other);
    }

    private async Task<HttpResponse> SendAsync(IPAddress from, string method, string path, string? proto = null, string? forwardedFor = null)
    {
        _ = factory.Server; // builds the host
        var done = await factory.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = from;
            context.Request.Method = method;
            context.Request.Path = path;
            context.Request.Host = new HostString("studio.example.test");
            if (proto is not null) context.Request.Headers["X-Forwarded-Proto"] = proto;
            if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            if (method == "POST")
            {
                context.Request.ContentType = "application/x-www-form-urlencoded";
                context.Request.Body = new MemoryStream("Input.Email=a%40b.test&Input.Password=wrong+wrong+wrong"u8.ToArray());
            }
        });
        return done.Response;
    }

    public void Dispose() => factory.Dispose();
}

using System.Net;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Operations;

/// <summary>The app over HTTP (in-memory test server): health, headers, sign-in rate limit, keys on disk.</summary>
public sealed class OperationsTests : IDisposable
{
    private readonly TestApp factory = new(new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "3" });

    [Fact]
    public async Task Health_reports_the_database_and_the_data_directory_holds_the_database_and_keys()
    {
        var client = factory.CreateClient();
        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"database\":\"Healthy\"", await response.Content.ReadAsStringAsync());
        // The SQLite file is in the data directory; a PostgreSQL database is on its server, and the directory holds only the keys.
        Assert.Equal(!TestEngine.IsPostgres, File.Exists(Path.Combine(factory.DataDirectory, "scenariostudio.db")));
        await client.GetAsync("/Account/Login"); // the antiforgery token makes the first key
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "keys"), "*.xml"));
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_nosniff_and_no_framing()
    {
        var response = await factory.CreateClient().GetAsync("/Account/Login");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("connect-src 'self';", csp); // the circuit's socket to this origin only, not ws: to any host
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Sign_in_posts_beyond_the_limit_get_429()
    {
        var client = factory.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var post = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = "nobody@example.test", ["Input.Password"] = "wrong wrong wrong",
            }));
            statuses.Add(post.StatusCode);
        }
        Assert.All(statuses.Take(3), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode); // reading the page is not limited
    }

    [Fact]
    public async Task A_form_post_without_an_antiforgery_token_is_rejected()
    {
        var client = factory.NewClient();
        var post = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task Private_pages_and_the_logo_need_a_signed_in_member()
    {
        var client = factory.NewClient();
        var logo = await client.GetAsync("/branding/logo");
        Assert.Equal(HttpStatusCode.Redirect, logo.StatusCode);
        Assert.Contains("/Account/Login", logo.Headers.Location!.ToString());
        var members = await client.GetAsync("/admin/members");
        Assert.Equal(HttpStatusCode.Redirect, members.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}

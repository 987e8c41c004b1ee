using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Components;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Operations;

/// <summary>
/// The account pages' posts are limited per client address on the endpoints themselves: spelling the URL another way
/// (case, trailing slash, a query) reaches the same page and spends the same budget.
/// </summary>
public sealed class AccountRateLimitTests : IDisposable
{
    private const int Limit = 3;
    internal const string ClientHeader = "X-Test-Client-Address";
    private readonly TestApp factory = new(new Dictionary<string, string>
    {
        ["RateLimits:SignInPerMinute"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    },
    // The in-memory server has no client address: a test header stands in for the connection's remote address.
    web => web.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>()));

    private static readonly string[] Pages =
        ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Register", "/Account/ForgotPassword",
            "/Account/ResetPassword"];

    public static TheoryData<string> LimitedPages => new(Pages);

    [Theory]
    [MemberData(nameof(LimitedPages))]
    public async Task Posts_spelled_with_another_case_or_a_trailing_slash_share_the_limit_and_get_429(string page)
    {
        var client = factory.NewClient();
        string[] spellings = [page + "/", page.ToLowerInvariant(), page.ToUpperInvariant() + "/", page.ToLowerInvariant() + "/?invitation=x"];

        for (var i = 0; i < 5; i++) Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync(spellings[i % 4])).StatusCode);
        var statuses = new List<HttpStatusCode>();
        foreach (var spelling in spellings) statuses.Add((await PostAsync(client, spelling)).StatusCode);

        Assert.All(statuses.Take(Limit), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s)); // reading the form spent nothing
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[Limit]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login/")).StatusCode); // still readable
    }

    [Fact]
    public async Task Every_account_page_shares_one_budget_per_client_address()
    {
        var client = factory.NewClient();
        await PostAsync(client, "/account/login/", "10.0.0.1");
        await PostAsync(client, "/Account/Register/", "10.0.0.1");
        await PostAsync(client, "/account/resetpassword", "10.0.0.1");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, "/ACCOUNT/LOGINWITH2FA/", "10.0.0.1")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostAsync(client, "/Account/Login", "10.0.0.2")).StatusCode);
    }

    [Fact]
    public void The_policy_is_on_every_page_that_takes_a_password_a_code_or_an_invitation()
    {
        var limited = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == WebUiExtensions.AccountPosts)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(Pages, p => Assert.Contains(p, limited));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string address = "10.0.0.1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = "nobody@example.test", ["Input.Password"] = "wrong wrong wrong", ["Input.TwoFactorCode"] = "123456",
            }),
        };
        request.Headers.Add(ClientHeader, address);
        return client.SendAsync(request);
    }

    internal sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientHeader], out var address)) context.Connection.RemoteIpAddress = address;
                return nextMiddleware();
            });
            next(app);
        };
    }

    public void Dispose() => factory.Dispose();
}

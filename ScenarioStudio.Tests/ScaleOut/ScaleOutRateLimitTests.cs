using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Operations;

namespace ScenarioStudio.Tests.ScaleOut;

/// <summary>Behind a balancer one client address gets one sign-in budget, whichever node its posts reach.</summary>
public sealed class ScaleOutRateLimitTests(TestRedis redis) : IClassFixture<TestRedis>, IDisposable
{
    private const int Limit = 3;
    private readonly string directory = Path.Combine(Path.GetTempPath(), "scenariostudio-app", Guid.NewGuid().ToString("N"));
    private readonly List<TestApp> apps = [];

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_counted_across_nodes()
    {
        var prefix = TestRedis.NewPrefix();
        var a = Node(prefix).NewClient();
        var b = Node(prefix).NewClient();

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostAsync(a, "10.0.0.7")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostAsync(b, "10.0.0.7")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostAsync(a, "10.0.0.7")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(b, "10.0.0.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(a, "10.0.0.7")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostAsync(b, "10.0.0.8")).StatusCode);
    }

    private TestApp Node(string prefix)
    {
        var app = new TestApp(new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = directory,
            ["Redis:Connection"] = redis.Connection,
            ["Redis:KeyPrefix"] = prefix,
            ["RateLimits:SignInPerMinute"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, web => web.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, AccountRateLimitTests.ClientAddressFromHeader>()));
        apps.Add(app);
        return app;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "nobody@example.test", ["Input.Password"] = "wrong" }),
        };
        request.Headers.Add(AccountRateLimitTests.ClientHeader, address);
        return client.SendAsync(request);
    }

    public void Dispose()
    {
        foreach (var app in apps) app.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

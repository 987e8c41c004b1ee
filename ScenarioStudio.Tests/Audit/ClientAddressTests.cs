using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Audit;

/// <summary>Issue 15.6: each audit row says which address the change came from, the client's and not the proxy's.</summary>
public sealed class ClientAddressTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");

    [Fact]
    public async Task A_circuit_takes_its_address_from_its_connection_each_time_it_comes_up()
    {
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };
        http.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:203.0.113.7");
        var address = new ClientAddress();
        var capture = new ClientAddressCapture(http, address);

        await capture.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal("203.0.113.7", address.Value);

        // A reconnection from another network.
        http.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse("2001:db8::42");
        await capture.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal("2001:db8::42", address.Value);
    }

    /// <summary>
    /// The whole app behind the trusted proxy: an Admin's export download is recorded as an Export with the address from
    /// X-Forwarded-For; a Learner asking for the same file is refused and nothing is recorded.
    /// </summary>
    [Fact]
    public async Task An_export_download_is_audited_with_the_client_address_behind_a_trusted_proxy()
    {
        using var app = new TestApp(new Dictionary<string, string> { ["ReverseProxy:KnownProxies:0"] = Proxy.ToString() },
            web => web.ConfigureServices(s => s.AddTransient<IStartupFilter, FromProxy>()));
        _ = app.Server;
        ApplicationUser admin;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("admin@proxy.test", "Ada Admin", TestPasswords.Good, "Proxy Org", null));
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var learner = new ApplicationUser
            {
                OrganisationId = admin.OrganisationId, Role = OrgRole.Learner, DisplayName = "Lee Learner",
                UserName = "learner@proxy.test", Email = "learner@proxy.test", EmailConfirmed = true,
            };
            Assert.True((await users.CreateAsync(learner, TestPasswords.Good)).Succeeded);
        }

        var asAdmin = app.NewClient();
        asAdmin.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.23");
        await HttpSignIn.SignInAsync(asAdmin, "admin@proxy.test", TestPasswords.Good);
        var csv = await asAdmin.GetAsync("/exports/audit.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains("created the organisation", await csv.Content.ReadAsStringAsync());

        // A dashboard table is audited the same way, with what it was and how many rows.
        Assert.Equal(HttpStatusCode.OK, (await asAdmin.GetAsync("/exports/team-learners.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asAdmin.GetAsync("/exports/team-learners.pdf")).StatusCode);

        var asLearner = app.NewClient();
        asLearner.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.99");
        await HttpSignIn.SignInAsync(asLearner, "learner@proxy.test", TestPasswords.Good);
        Assert.Equal(HttpStatusCode.Forbidden, (await asLearner.GetAsync("/exports/audit.xlsx")).StatusCode);

        await using var db = await app.Services.GetRequiredService<TenantDb>().OpenAsSystemAsync();
        var exports = await db.AuditEntries.Where(e => e.Action == AuditAction.Export).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, exports.Count);
        Assert.All(exports, e => Assert.Equal((admin.Id, "198.51.100.23"), (e.ActorId, e.Address)));
        Assert.Equal((AuditSubjects.AuditLog, "Exported the audit log as CSV (1 row)"), (exports[0].SubjectKind, exports[0].Summary));
        Assert.Equal((AuditSubjects.Report, "Exported team learners as Excel (1 row)"), (exports[1].SubjectKind, exports[1].Summary));
    }

    /// <summary>Every request arrives from the proxy's address, as behind nginx on another host.</summary>
    private sealed class FromProxy : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = Proxy;
                return following(context);
            });
            next(app);
        };
    }
}

using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// Issue 20.4: a session ends on the server. After Sign out a copied cookie opens nothing; after a password reset, a
/// password change, a role change, deactivation or an Admin's "sign out everywhere", a saved cookie opens nothing on
/// its very next request (in-memory test server, real sign-in form, real Identity stores, SQLite temp file).
/// </summary>
public sealed class SignInSessionTests : IDisposable
{
    private const string AdminEmail = "admin@session.test";
    private const string LearnerEmail = "learner@session.test";
    private const string Password = "harbour lantern violet 7";
    private const string Protected = "/exports/my-sessions.csv";

    private readonly TestApp factory = new();

    [Fact]
    public async Task After_sign_out_a_copied_cookie_opens_nothing()
    {
        await SignUpAsync();
        var browser = Client();
        var cookie = await HttpSignIn.SignInAsync(browser, AdminEmail, Password);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(cookie));

        await HttpSignIn.SignOutAsync(browser);

        Assert.NotEqual(HttpStatusCode.OK, await GetAsync(cookie));
        Assert.Equal(HttpStatusCode.Redirect, await GetAsync(cookie)); // to the sign-in page
    }

    [Fact]
    public async Task Signing_out_one_browser_leaves_the_others_signed_in()
    {
        await SignUpAsync();
        var laptop = await HttpSignIn.SignInAsync(Client(), AdminEmail, Password);
        var phoneClient = Client();
        var phone = await HttpSignIn.SignInAsync(phoneClient, AdminEmail, Password);

        await HttpSignIn.SignOutAsync(phoneClient);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(laptop));
        Assert.NotEqual(HttpStatusCode.OK, await GetAsync(phone));
    }

    public static TheoryData<string> AccountChanges => new(["password reset", "password change", "two-factor change", "role change", "deactivation",
        "sign out everywhere"]);

    [Theory]
    [MemberData(nameof(AccountChanges))]
    public async Task After_an_account_change_a_saved_cookie_opens_nothing(string change)
    {
        var admin = await SignUpAsync();
        var learner = await AddLearnerAsync(admin);
        var cookie = await HttpSignIn.SignInAsync(Client(), LearnerEmail, Password);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(cookie));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(learner))!;
            var result = change switch
            {
                "password reset" => await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), "fresh quarry meadow 42"),
                "password change" => await users.ChangePasswordAsync(user, Password, "fresh quarry meadow 42"),
                "two-factor change" => await users.ResetAuthenticatorKeyAsync(user),
                _ => IdentityResult.Success,
            };
            Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
            if (change == "role change") await (await AsAdmin(scope, admin)).ChangeRoleAsync(learner, OrgRole.Reviewer);
            if (change == "deactivation") await (await AsAdmin(scope, admin)).SetActiveAsync(learner, false);
            if (change == "sign out everywhere") await (await AsAdmin(scope, admin)).SignOutEverywhereAsync(learner);
        }

        Assert.Equal(HttpStatusCode.Redirect, await GetAsync(cookie));
    }

    [Fact]
    public async Task The_database_holds_no_usable_cookie_key()
    {
        await SignUpAsync();
        var cookie = await HttpSignIn.SignInAsync(Client(), AdminEmail, Password);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScenarioStudio.Data.SystemDbContext>();
        var session = Assert.Single(db.SignInSessions.ToList());
        Assert.Equal(64, session.Id.Length); // a SHA-256, not the key the cookie carries
        Assert.DoesNotContain(session.Id, Uri.UnescapeDataString(cookie), StringComparison.OrdinalIgnoreCase);
    }

    private HttpClient Client() => factory.NewClient();

    /// <summary>A request carrying only the given cookie, as a second browser holding a copy of it.</summary>
    private async Task<HttpStatusCode> GetAsync(string cookie)
    {
        using var client = factory.NewClient(handleCookies: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        request.Headers.Add("Cookie", cookie);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task The_minute_check_of_a_connected_page_says_nothing_when_the_app_stops_under_it()
    {
        await SignUpAsync();
        var services = factory.Services;
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SignInSessionStore.SessionClaim, "not-a-session")], "test"));
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var check = new IdentityRevalidatingAuthenticationStateProvider(
            services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<SignInSessionStore>(), lifetime);
        Assert.False(await check.IsStillSignedInAsync(user, CancellationToken.None)); // the check runs, and a session it cannot find is over

        lifetime.StopApplication();
        factory.Dispose(); // the app's services go while a page is still connected
        Assert.True(await check.IsStillSignedInAsync(user, CancellationToken.None));
    }

    [Fact]
    public async Task The_minute_check_still_fails_loudly_when_the_app_is_not_stopping()
    {
        await SignUpAsync();
        var services = factory.Services;
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SignInSessionStore.SessionClaim, "not-a-session")], "test"));
        var check = new IdentityRevalidatingAuthenticationStateProvider(services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<SignInSessionStore>(), new RunningApp());
        factory.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => check.IsStillSignedInAsync(user, CancellationToken.None));
    }

    private sealed class RunningApp : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private async Task<ApplicationUser> SignUpAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest(AdminEmail, "Session Admin", Password, "Session Org", null));
    }

    private async Task<string> AddLearnerAsync(ApplicationUser admin)
    {
        string token;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            token = (await (await AsAdmin(scope, admin)).InviteAsync(OrgRole.Learner, null)).Token;
        }
        await using var signUp = factory.Services.CreateAsyncScope();
        return (await signUp.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest(LearnerEmail, "Session Learner", Password, null, token))).Id;
    }

    private static async Task<MemberService> AsAdmin(AsyncServiceScope scope, ApplicationUser admin)
    {
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(admin);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return scope.ServiceProvider.GetRequiredService<MemberService>();
    }

    public void Dispose() => factory.Dispose();
}

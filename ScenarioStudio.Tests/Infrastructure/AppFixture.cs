using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// The real app on a loopback Kestrel port with a fresh temp data directory, and one headless Debian Chromium,
/// shared by every test in the "Browser" collection. The app's log is watched: an error it logged (an unhandled exception in
/// a circuit, a failure after a page was left) fails the run when the fixture is disposed, after the app has shut down.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "scenariostudio-app", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? factory;
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;
    public string BaseUrl { get; private set; } = "";
    public IServiceProvider Services => factory!.Services;

    /// <summary>The errors the app has logged so far.</summary>
    public AppErrorLog Log { get; } = new();

    /// <summary>Where tests save screenshots for a person to look at (SCREENSHOT_DIR), or null.</summary>
    public static string? ScreenshotDirectory => Environment.GetEnvironmentVariable("SCREENSHOT_DIR");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDirectory);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:DataDirectory", dataDirectory);
            foreach (var (key, value) in TestEngine.Settings(dataDirectory)) web.UseSetting(key, value);
            web.UseSetting("Urls", "http://127.0.0.1:0");
            web.UseSetting("RateLimits:SignInPerMinute", "1000");
            web.UseSetting("Operator:Emails:0", OperatorEmail);
            web.UseSetting("Ai:Offline:WordDelayMs", "3");
            web.UseSetting("Logging:Console:FormatterName", "simple");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseEnvironment("Development");
            web.ConfigureTestServices(TestModel.Share);
            web.ConfigureLogging(logging => logging.AddProvider(Log));
        });
        factory.UseKestrel(0);
        factory.StartServer();
        BaseUrl = factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        // Two cores run two test collections at once: give page expectations room before calling a miss.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page that fails the test on any page error.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("favicon", StringComparison.OrdinalIgnoreCase) && !StaleEvent(message.Text))
                errors.Add(message.Text);
        };
        PageErrors[page] = errors;
        return page;
    }

    public Dictionary<IPage, List<string>> PageErrors { get; } = [];

    /// <summary>
    /// Blazor's script reports every event the server could not dispatch. An event whose handler failed is also in the
    /// app's log as an unhandled circuit exception, which fails the run (<see cref="AppErrorLog"/>); what the script alone
    /// reports is an event for an element a render had already removed (a mouse-up on a menu item after the menu closed,
    /// seen once after an export download), which the server ignores and the user never sees.
    /// </summary>
    private static bool StaleEvent(string text) => text.StartsWith("Error: There was an exception invoking 'DispatchEventAsync'", StringComparison.Ordinal);

    /// <summary>A service scope of the running app acting as the given member: proves the service refuses, not only the UI.</summary>
    public async Task<AsUser> AsAsync(string email)
    {
        var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}.");
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return new AsUser(scope);
    }

    public const string Password = "harbour lantern violet 7";

    /// <summary>
    /// A member of the shared organisation with nothing behind them yet (no sessions, no teams), invited by its Admin and
    /// signed up through the real services, for tests that need a fresh start. The password is <see cref="Password"/>.
    /// </summary>
    /// <summary>The install's Operator (Operator:Emails), a member of the people's organisation; joined on first use.</summary>
    public const string OperatorEmail = "operator@studio.test";

    public async Task<string> OperatorAsync()
    {
        var admin = (await PeopleAsync())[OrgRole.Admin];
        await using (var scope = Services.CreateAsyncScope())
            if (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(OperatorEmail) is not null)
                return OperatorEmail;
        return await JoinAsync(admin, OrgRole.Admin, OperatorEmail, "Olu Operator");
    }

    public async Task<string> NewMemberAsync(OrgRole role, string name)
    {
        var admin = (await PeopleAsync())[OrgRole.Admin];
        return await JoinAsync(admin, role, $"{Guid.NewGuid():N}@studio.test", name);
    }

    private async Task<string> JoinAsync(string admin, OrgRole role, string email, string name)
    {
        CreatedInvitation invitation;
        await using (var asAdmin = await AsAsync(admin))
            invitation = await asAdmin.Get<MemberService>().InviteAsync(role, null);
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest(email, name, Password, null, invitation.Token));
        return email;
    }
    private readonly SemaphoreSlim seeding = new(1, 1);
    private Dictionary<OrgRole, string>? people;

    /// <summary>
    /// One organisation with a member of every role, created once through the real sign-up and invitation services.
    /// Returns each role's e-mail; every password is <see cref="Password"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<OrgRole, string>> PeopleAsync()
    {
        await seeding.WaitAsync();
        try
        {
            if (people is not null) return people;
            var result = new Dictionary<OrgRole, string> { [OrgRole.Admin] = "admin@studio.test" };
            await using (var scope = Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<SignUpService>()
                    .RegisterAsync(new SignUpRequest(result[OrgRole.Admin], "Alex Admin", Password, "Studio Org", null));
            }
            foreach (var role in OrgRoles.All.Where(r => r != OrgRole.Admin))
                result[role] = await JoinAsync(result[OrgRole.Admin], role, $"{role.ToString().ToLowerInvariant()}@studio.test",
                    $"{role.DisplayName()} Person");
            return people = result;
        }
        finally
        {
            seeding.Release();
        }
    }

    /// <summary>Where every fixture that found unexpected errors in the app's log writes them.</summary>
    public static string UnexpectedErrorsFile => Path.Combine(AppContext.BaseDirectory, "app-unexpected-errors.log");

    public async Task DisposeAsync()
    {
        // The browser goes first and the app shuts down after it, so the circuits' disposal is in the log as well.
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        TestEngine.Drop(dataDirectory);
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }

        if (Log.Unexpected is { Count: > 0 } errors)
        {
            var report = $"The app logged {errors.Count} unexpected error(s) while the browser tests ran:" +
                Environment.NewLine + string.Join(Environment.NewLine, errors);
            // A runner shows a collection's clean-up failure by its type only: the details go to a file beside the
            // tests too, which .ci/run prints.
            await File.AppendAllTextAsync(UnexpectedErrorsFile, report + Environment.NewLine + Environment.NewLine);
            throw new AppLoggedUnexpectedErrorsException(report);
        }
    }
}

[CollectionDefinition("Browser")]
public sealed class BrowserCollection : ICollectionFixture<AppFixture>;

public static class PageExtensions
{
    /// <summary>Waits until the interactive circuit is live: before that, clicks hit the prerendered HTML.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("#circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForCircuitAsync();
    }

    /// <summary>
    /// Opens a MudTabs tab by its text and waits until it is the active one; the app bar is fixed, so the tab strip is
    /// brought out from under it first. A click that lands while the tabs are still being rendered (the page loads its
    /// data after the circuit starts) can be dropped, so it is repeated until the tab says it is active.
    /// </summary>
    public static Task OpenTabAsync(this IPage page, string name) =>
        page.OpenTabAsync(name, page.Locator($".mud-tab.mud-tab-active:has-text(\"{name}\")"));

    /// <summary>
    /// Opens a tab and waits until <paramref name="shows"/>, in it, is visible. Under load the builder's first interactive
    /// render can land just after the click and show its first tab again (CI, 2 Dec), so the tab is clicked again until then.
    /// </summary>
    public static async Task OpenTabAsync(this IPage page, string name, ILocator shows)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await page.Locator($".mud-tab:has-text(\"{name}\")").ClickAsync();
            try
            {
                await shows.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 4)
            {
            }
        }
    }

    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        if (AppFixture.ScreenshotDirectory is not { } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    /// <summary>One part of a long page, for looking at a section without the rest.</summary>
    public static async Task ScreenshotAsync(this ILocator part, string name)
    {
        if (AppFixture.ScreenshotDirectory is not { } dir) return;
        Directory.CreateDirectory(dir);
        await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(dir, name + ".png") });
    }
}

public static class FieldExtensions
{
    /// <summary>Types into a MudBlazor field and leaves it, as a person does: MudBlazor commits the value on change.</summary>
    public static async Task FillFieldAsync(this IPage page, string selector, string text)
    {
        var field = page.Locator(selector);
        await field.FillAsync(text);
        await field.BlurAsync();
    }
}

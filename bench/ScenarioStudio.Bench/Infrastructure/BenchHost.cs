using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>
/// A fresh, migrated SQLite database in a temp directory (or the PostgreSQL database given in its settings) with the
/// app's own registrations, built the way ScenarioStudio.Tests' TestDatabase builds it. Deleted on dispose unless <c>keep</c> is set.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string Password = "copper lantern meadow 97";

    private readonly bool keep;
    private ServiceProvider services = default!;

    private BenchHost(string directory, bool keep)
    {
        Directory = directory;
        this.keep = keep;
    }

    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "scenariostudio.db");
    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();
    public IServiceProvider Services => services;

    /// <summary>The app on a fresh SQLite file; with <paramref name="settings"/> (e.g. <c>Database:Provider</c>) on another engine.</summary>
    public static async Task<BenchHost> CreateAsync(bool keep, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "scenariostudio-bench", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var host = new BenchHost(directory, keep);

        // No default configuration sources: nothing from the environment (e.g. ConnectionStrings__Default) or an
        // appsettings file can point the benchmark at another database. No logging to stdout either.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true, EnvironmentName = "Benchmark", ContentRootPath = directory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = directory });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddScenarioStudio();
        host.services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await host.services.PrepareDatabaseAsync();
        return host;
    }

    public async Task<Guid> CreateOrganisationAsync(string name)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SystemDbContext>();
        var org = new Organisation { Name = name };
        db.Organisations.Add(org);
        await db.SaveChangesAsync();
        await CategoryService.EnsureAsync(db, org.Id, CategoryDefaults.Names, DateTimeOffset.UtcNow, default);
        return org.Id;
    }

    /// <summary>A member, signed up through Identity's UserManager; <paramref name="withPassword"/> false skips the
    /// (deliberately slow) password hash for members the benchmark never signs in as.</summary>
    public async Task<ApplicationUser> AddMemberAsync(Guid organisationId, OrgRole role, string displayName, bool withPassword = true)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{Guid.NewGuid():N}@bench.example";
        var user = new ApplicationUser
        {
            OrganisationId = organisationId, Role = role, DisplayName = displayName,
            UserName = email, Email = email, EmailConfirmed = true,
        };
        var result = withPassword ? await users.CreateAsync(user, Password) : await users.CreateAsync(user);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A scope whose <see cref="CurrentUser"/> is the given member, as a signed-in circuit would have it.</summary>
    public async Task<AsyncServiceScope> AsAsync(ApplicationUser user)
    {
        var scope = services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return scope;
    }

    public Task<AppDbContext> OpenUnfilteredAsync() => services.GetRequiredService<TenantDb>().OpenAsSystemAsync();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (keep)
        {
            Log.Info($"kept database at {DatabasePath}");
            return;
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException e) { Log.Info($"could not delete {Directory}: {e.Message}"); }
    }
}

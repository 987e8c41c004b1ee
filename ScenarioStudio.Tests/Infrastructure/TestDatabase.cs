using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// A real database, migrated (a SQLite temp file, or a fresh PostgreSQL database with TEST_DATABASE=postgres: see
/// <see cref="TestEngine"/>), with the app's own registrations (Identity EF stores, services, tenant filter). One per test
/// class through <c>IClassFixture</c>, or one per test with <c>using</c>.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime, IDisposable
{
    /// <summary>The folder of the SQLite file (and keys); two instances given the same folder are two nodes of one install.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "scenariostudio-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Configuration keys beyond the data directory (e.g. <c>Redis:Connection</c>), set before InitializeAsync.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    public TestClock Clock { get; } = new();
    /// <summary>The SQL this database runs while a test captures it (<c>using var sql = db.Sql.Capture();</c>).</summary>
    public SqlLog Sql { get; } = new();
    public IServiceProvider Services { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = DataDirectory });
        builder.Configuration.AddInMemoryCollection(TestEngine.Settings(DataDirectory));
        if (Settings is not null) builder.Configuration.AddInMemoryCollection(Settings);
        builder.AddScenarioStudio();
        builder.Services.Configure<ScenarioStudio.Ai.OfflineAiOptions>(o => o.WordDelayMs = 0);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        TestModel.Share(builder.Services);
        builder.Services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(Sql));
        ConfigureServices?.Invoke(builder.Services);
        Services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await Services.PrepareDatabaseAsync();
    }

    /// <summary>Extra registrations for feature tests (set before InitializeAsync).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public Task<AppDbContext> OpenUnfilteredAsync() => Services.GetRequiredService<TenantDb>().OpenAsSystemAsync();

    /// <summary>A new scope whose <see cref="CurrentUser"/> is the given member, as a signed-in circuit would have it.</summary>
    public async Task<AsUser> AsAsync(ApplicationUser user)
    {
        var scope = Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return new AsUser(scope);
    }

    /// <summary>An organisation with one member of each role (the Admin created by the first-run rules when the database is empty).</summary>
    public async Task<TestOrganisation> CreateOrganisationAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SystemDbContext>();
        var org = new Organisation { Name = name };
        db.Organisations.Add(org);
        await db.SaveChangesAsync();
        // As a sign-up does: a new organisation starts with the default categories.
        await CategoryService.EnsureAsync(db, org.Id, CategoryDefaults.Names, Clock.GetUtcNow(), default);
        var members = new Dictionary<OrgRole, ApplicationUser>();
        foreach (var role in OrgRoles.All) members[role] = await AddMemberAsync(org.Id, role, $"{role} of {name}");
        return new TestOrganisation(org.Id, members);
    }

    public async Task<ApplicationUser> AddMemberAsync(Guid organisationId, OrgRole role, string displayName)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{Guid.NewGuid():N}@example.test";
        var user = new ApplicationUser
        {
            OrganisationId = organisationId, Role = role, DisplayName = displayName,
            UserName = email, Email = email, EmailConfirmed = true,
        };
        var result = await users.CreateAsync(user, TestPasswords.Good);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }

    public async Task<ApplicationUser> ReloadAsync(ApplicationUser user)
    {
        await using var db = await OpenUnfilteredAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        (Services as IDisposable)?.Dispose();
        TestEngine.Drop(DataDirectory);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed record TestOrganisation(Guid Id, IReadOnlyDictionary<OrgRole, ApplicationUser> Members)
{
    public ApplicationUser Admin => Members[OrgRole.Admin];
    public ApplicationUser Learner => Members[OrgRole.Learner];
    public ApplicationUser Manager => Members[OrgRole.Manager];
    public ApplicationUser ContentManager => Members[OrgRole.ContentManager];
    public ApplicationUser Reviewer => Members[OrgRole.Reviewer];
}

/// <summary>A scope acting as one member; dispose it when done.</summary>
public sealed class AsUser(AsyncServiceScope scope) : IAsyncDisposable
{
    public T Get<T>() where T : notnull => scope.ServiceProvider.GetRequiredService<T>();
    public ScenarioServices Scenarios() => new(Get<ScenarioQueries>(), Get<ScenarioCommands>(), Get<ScenarioLifecycle>());
    public ValueTask DisposeAsync() => scope.DisposeAsync();
}

/// <summary>The scenario services together, for tests that create, publish and read in a few lines.</summary>
public sealed record ScenarioServices(ScenarioQueries Queries, ScenarioCommands Commands, ScenarioLifecycle Lifecycle);

public static class TestPasswords
{
    public const string Good = "violet kettle harbour 42";
}

/// <summary>A clock tests move by hand.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

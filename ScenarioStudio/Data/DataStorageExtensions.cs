using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.ScaleOut;

namespace ScenarioStudio.Data;

public static class DataStorageExtensions
{
    /// <summary>
    /// The data directory (SQLite file, Data Protection keys). A relative <c>Storage:DataDirectory</c> is resolved
    /// against the folder holding ScenarioStudio.sln when the app runs from a checkout, so
    /// <c>dotnet run --project ScenarioStudio</c> uses the repository's <c>db/</c> folder; otherwise against the content root.
    /// </summary>
    public static string ResolveDataDirectory(IConfiguration config, string contentRoot)
    {
        var configured = config["Storage:DataDirectory"] ?? "db";
        if (Path.IsPathRooted(configured)) return configured;
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioStudio.sln"))) return Path.Combine(dir.FullName, configured);
        }
        return Path.Combine(contentRoot, configured);
    }

    public static IHostApplicationBuilder AddDataStorage(this IHostApplicationBuilder builder)
    {
        var dataDir = ResolveDataDirectory(builder.Configuration, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDir);
        builder.Services.AddSingleton(new DataDirectory(dataDir));

        // The engine is chosen here, once: services see AppDbContext and its SqlDialect, whichever it is.
        if (DatabaseConfiguration.Provider(builder.Configuration) == DatabaseProvider.PostgreSQL)
        {
            var postgres = DatabaseConfiguration.PostgresConnectionString(builder.Configuration);
            builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseNpgsql(postgres).ConfigureWarnings(IgnoreUnorderedCount));
        }
        else
        {
            var sqlite = SqliteConnectionString(builder.Configuration, dataDir);
            var busyTimeout = new SqliteBusyTimeout(TimeSpan.FromSeconds(30));
            builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(sqlite).AddInterceptors(busyTimeout).ConfigureWarnings(IgnoreUnorderedCount));
        }
        // Identity's stores and the first-run sign-up share one scoped system context (one transaction for both). An
        // injected AppDbContext is opened for no organisation and so sees nothing: services use TenantDb.
        builder.Services.AddScoped(sp => new SystemDbContext(sp.GetRequiredService<DbContextOptions<AppDbContext>>()));
        builder.Services.AddSingleton<TenantDb>();
        builder.Services.AddSingleton(TimeProvider.System);

        // The key ring protects sign-in cookies and the stored AI API keys, so it must survive restarts. One node keeps it
        // beside the database file; several nodes (Redis:Connection set) must share it, so a cookie issued by one works
        // on the others: it moves into the database, which is shared and backed up with the keys it protects (Redis
        // holds nothing that needs a backup). PrepareDatabaseAsync carries an existing node's files over.
        var keys = builder.Services.AddDataProtection().SetApplicationName("ScenarioStudio");
        if (ScaleOutOptions.IsOn(builder.Configuration)) keys.PersistKeysToDbContext<SystemDbContext>();
        else keys.PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(dataDir)));

        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");
        return builder;
    }

    /// <summary>Counting "the first 1,001 matches" needs no order; the warning would fire on every search.</summary>
    private static void IgnoreUnorderedCount(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder w) =>
        w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.RowLimitingOperationWithoutOrderByWarning);

    /// <summary><c>ConnectionStrings:Default</c>, or the file <c>&lt;DataDirectory&gt;/scenariostudio.db</c> when it is empty.</summary>
    internal static string SqliteConnectionString(IConfiguration config, string dataDir)
    {
        var connectionString = config.GetConnectionString("Default");
        if (!string.IsNullOrWhiteSpace(connectionString)) return connectionString;
        // A generous busy timeout: SQLite serialises writers, and a short queue is better than an error.
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "scenariostudio.db"),
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Applies the engine's migrations (on SQLite, also write-ahead logging: readers never block the writer).</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services)
    {
        var options = services.GetRequiredService<DbContextOptions<AppDbContext>>();
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await SqlDialect.Of(db.Database).MigrateAsync(options);
        var configuration = services.GetRequiredService<IConfiguration>();
        if (ScaleOutOptions.IsOn(configuration))
        {
            var dataDir = ResolveDataDirectory(configuration, services.GetRequiredService<IHostEnvironment>().ContentRootPath);
            await ImportFileKeysAsync(db, KeysDirectory(dataDir));
        }
    }

    private static string KeysDirectory(string dataDir) => Path.Combine(dataDir, "keys");

    /// <summary>
    /// An install that grows from one node to several keeps its key ring: when the database holds no keys yet, the
    /// files of the single node are copied in, so its sign-ins and stored AI API keys stay readable.
    /// </summary>
    private static async Task ImportFileKeysAsync(AppDbContext db, string keysDirectory)
    {
        if (!Directory.Exists(keysDirectory) || await db.DataProtectionKeys.AnyAsync()) return;
        foreach (var file in Directory.EnumerateFiles(keysDirectory, "*.xml").Order())
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = await File.ReadAllTextAsync(file) });
        await db.SaveChangesAsync();
    }

    public static WebApplication MapDataStorage(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                }));
            },
        });
        return app;
    }
}

/// <summary>The install's data directory (<c>Storage:DataDirectory</c>), for the files the app keeps beside its database.</summary>
public sealed record DataDirectory(string Path)
{
    /// <summary>Where an organisation's data is exported before it is deleted (<see cref="Organisations.OperatorService.DeleteAsync"/>).</summary>
    public string DeletedOrganisations => System.IO.Path.Combine(Path, "deleted-organisations");
}

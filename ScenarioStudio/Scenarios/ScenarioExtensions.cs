using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

public static class ScenarioExtensions
{
    public static IHostApplicationBuilder AddScenarios(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ScenarioQueries>();
        builder.Services.AddScoped<ScenarioCommands>();
        builder.Services.AddScoped<ScenarioLifecycle>();
        builder.Services.AddScoped<RubricTestService>();
        builder.Services.AddSingleton<ScenarioLibrary>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        return builder;
    }

    /// <summary>Gives every organisation the seeded library (new templates shipped in an update included).</summary>
    public static async Task SeedLibraryAsync(this IServiceProvider services)
    {
        var library = services.GetRequiredService<ScenarioLibrary>();
        await using var db = await services.GetRequiredService<TenantDb>().OpenAsSystemAsync();
        var organisations = await db.Organisations.Select(o => new
        {
            o.Id,
            AdminId = db.Users.Where(u => u.OrganisationId == o.Id && u.Role == OrgRole.Admin).OrderBy(u => u.CreatedAt).Select(u => u.Id).FirstOrDefault(),
        }).ToListAsync();
        foreach (var org in organisations)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await library.SeedAsync(db, org.Id, org.AdminId ?? "", CancellationToken.None);
            await tx.CommitAsync();
        }
    }
}

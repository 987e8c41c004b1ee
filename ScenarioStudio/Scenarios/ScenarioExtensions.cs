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
        builder.Services.AddScoped<ScenarioBulk>();
        builder.Services.AddScoped<ScenarioHistory>();
        builder.Services.AddScoped<ReviewPolicy>();
        builder.Services.AddScoped<RubricTestService>();
        builder.Services.AddScoped<Comments.CommentService>();
        builder.Services.AddScoped<Transfer.ScenarioTransfer>();
        builder.Services.Configure<Transfer.TransferLimits>(builder.Configuration.GetSection("Transfer"));
        builder.Services.AddScoped<Categories.CategoryService>();
        builder.Services.AddScoped<Personas.PersonaCardService>();
        builder.Services.AddScoped<Catalogue.ScenarioCatalogue>();
        builder.Services.AddSingleton<ScenarioLibrary>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        return builder;
    }

    /// <summary>
    /// Records version 1 of every scenario published before versions were kept (the seeded library included), so each
    /// published scenario has a live version to compare and restore. A filtered index makes the check free once done.
    /// </summary>
    public static async Task RecordFirstVersionsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        while (true)
        {
            await using var db = await services.GetRequiredService<TenantDb>().OpenAsSystemAsync(ct);
            var batch = await db.Scenarios.Include(s => s.Phases)
                .Where(s => s.LiveVersion == null && s.Status == ScenarioStatus.Published).OrderBy(s => s.Id).Take(200).ToListAsync(ct);
            if (batch.Count == 0) return;
            foreach (var s in batch)
            {
                if (s.Phases.Any(p => string.IsNullOrEmpty(p.Content.Key)))
                {
                    var doc = s.ToDocument();
                    db.ScenarioPhases.RemoveRange(s.Phases);
                    s.Apply(doc);
                }
                s.LiveVersion = 1;
                db.ScenarioVersions.Add(new ScenarioVersion
                {
                    OrganisationId = s.OrganisationId, ScenarioId = s.Id, Number = 1, Document = s.ToDocument(),
                    ChangeNote = s.IsSystem ? "From the ScenarioStudio library." : "Published before versions were kept.",
                    PublishedByName = s.IsSystem ? ScenarioQueries.LibraryOwner : "", PublishedAt = s.PublishedAt ?? s.UpdatedAt,
                });
            }
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// Gives every organisation the seeded library (new templates shipped in an update included). Only organisations
    /// that miss a template are read, a hundred at a time in id order; the check is an index lookup of the library's
    /// keys per organisation, so a start-up never loads every organisation or scenario.
    /// </summary>
    public static Task SeedLibraryAsync(this IServiceProvider services, CancellationToken ct = default) => SeedLibraryAsync(services, 100, ct);

    internal static async Task SeedLibraryAsync(this IServiceProvider services, int batch, CancellationToken ct)
    {
        var library = services.GetRequiredService<ScenarioLibrary>();
        var keys = ScenarioLibrary.Keys;
        var count = keys.Count;
        Guid? after = null;
        while (true)
        {
            // A context per batch: its change tracker holds the scenarios it added.
            await using var db = await services.GetRequiredService<TenantDb>().OpenAsSystemAsync(ct);
            var organisations = await db.Organisations
                .Where(o => after == null || o.Id.CompareTo(after.Value) > 0)
                .Where(o => db.Scenarios.Where(s => s.OrganisationId == o.Id && s.TemplateKey != null && keys.Contains(s.TemplateKey))
                    .Select(s => s.TemplateKey).Distinct().Count() < count)
                .OrderBy(o => o.Id)
                .Take(batch)
                .Select(o => new
                {
                    o.Id,
                    AdminId = db.Users
                        .Where(u => u.OrganisationId == o.Id && u.Role == OrgRole.Admin)
                        .OrderBy(u => u.CreatedAt)
                        .Select(u => u.Id)
                        .FirstOrDefault(),
                })
                .ToListAsync(ct);
            foreach (var org in organisations)
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await library.SeedAsync(db, org.Id, org.AdminId ?? "", ct);
                await tx.CommitAsync(ct);
            }
            if (organisations.Count < batch) return;
            after = organisations[^1].Id;
        }
    }
}

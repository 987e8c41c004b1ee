using System.Reflection;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The seeded library: complete, publish-ready scenarios shipped as JSON files under Scenarios/Templates/.
/// Each organisation gets its own copy as system scenarios (read and duplicated by all, changed by Admins only).
/// </summary>
public sealed class ScenarioLibrary(TimeProvider clock)
{
    private static readonly Lazy<IReadOnlyList<(string Key, ScenarioDocument Document)>> Templates = new(Load);

    public static IReadOnlyList<(string Key, ScenarioDocument Document)> All => Templates.Value;

    /// <summary>The templates' keys (each template's slug is its key too).</summary>
    public static IReadOnlyList<string> Keys { get; } = All.Select(t => t.Key).ToList();

    /// <summary>
    /// Adds the templates this organisation does not have yet; safe to call on every start. Looks up only the
    /// library's own keys and slugs (at most one row per template, through indexes), never the organisation's whole
    /// list: an organisation may hold thousands of scenarios of its own.
    /// </summary>
    public async Task SeedAsync(AppDbContext db, Guid organisationId, string createdById, CancellationToken ct = default)
    {
        var scenarios = db.Scenarios.IgnoreQueryFilters().Where(s => s.OrganisationId == organisationId);
        var keys = Keys;
        var existing = await scenarios.Where(s => s.TemplateKey != null && keys.Contains(s.TemplateKey)).Select(s => s.TemplateKey!).ToListAsync(ct);
        var missing = All.Where(t => !existing.Contains(t.Key)).ToList();
        if (missing.Count == 0)
        {
            await Programs.ProgramLibrary.SeedAsync(db, organisationId, createdById, clock.GetUtcNow(), ct);
            return;
        }
        var wanted = missing.Select(t => t.Document.Slug.Trim()).ToList();
        var slugs = (await scenarios.Where(s => wanted.Contains(s.Slug)).Select(s => s.Slug).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        // The templates' categories join the organisation's list, so the library's scenarios keep valid categories.
        await CategoryService.EnsureAsync(db, organisationId, missing.Select(t => t.Document.Category), now, ct);
        var added = new List<Scenario>();
        foreach (var (key, doc) in missing)
        {
            var scenario = new Scenario
            {
                OrganisationId = organisationId, IsSystem = true, TemplateKey = key, Status = ScenarioStatus.Published,
                Visibility = Visibility.Organisation, CreatedById = createdById, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            };
            scenario.Apply(doc);
            if (slugs.Contains(scenario.Slug)) scenario.Slug = await ScenarioCommands.UniqueSlugAsync(scenarios, scenario.Slug, slugs, ct);
            slugs.Add(scenario.Slug);
            db.Scenarios.Add(scenario);
            added.Add(scenario);
        }
        await db.SaveChangesAsync(ct);
        foreach (var scenario in added) await ScenarioSearchIndex.UpsertAsync(db, scenario, ct);
        // The seeded programs are built from the library's scenarios: they follow them.
        await Programs.ProgramLibrary.SeedAsync(db, organisationId, createdById, now, ct, added.ToDictionary(s => s.TemplateKey!, s => s.Id));
    }

    private static IReadOnlyList<(string, ScenarioDocument)> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("templates/", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var key = name["templates/".Length..^".json".Length];
                return (key, ScenarioJson.Deserialize<ScenarioDocument>(reader.ReadToEnd()));
            })
            .ToList();
    }
}

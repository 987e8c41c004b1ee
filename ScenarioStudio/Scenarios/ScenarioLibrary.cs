using System.Reflection;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The seeded library: complete, publish-ready scenarios shipped as JSON files under Scenarios/Templates/.
/// Each organisation gets its own copy as system scenarios (read and duplicated by all, changed by Admins only).
/// </summary>
public sealed class ScenarioLibrary(TimeProvider clock)
{
    private static readonly Lazy<IReadOnlyList<(string Key, ScenarioDocument Document)>> Templates = new(Load);

    public static IReadOnlyList<(string Key, ScenarioDocument Document)> All => Templates.Value;

    /// <summary>Adds the templates this organisation does not have yet; safe to call on every start.</summary>
    public async Task SeedAsync(AppDbContext db, Guid organisationId, string createdById, CancellationToken ct = default)
    {
        var existing = await db.Scenarios.IgnoreQueryFilters().Where(s => s.OrganisationId == organisationId && s.TemplateKey != null)
            .Select(s => s.TemplateKey!).ToListAsync(ct);
        var slugs = (await db.Scenarios.IgnoreQueryFilters().Where(s => s.OrganisationId == organisationId).Select(s => s.Slug).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        var added = new List<Scenario>();
        foreach (var (key, doc) in All.Where(t => !existing.Contains(t.Key)))
        {
            var scenario = new Scenario
            {
                OrganisationId = organisationId, IsSystem = true, TemplateKey = key, Status = ScenarioStatus.Published,
                Visibility = Visibility.Organisation, CreatedById = createdById, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            };
            scenario.Apply(doc);
            if (slugs.Contains(scenario.Slug)) scenario.Slug = ScenarioCommands.UniqueSlug(scenario.Slug, slugs);
            slugs.Add(scenario.Slug);
            db.Scenarios.Add(scenario);
            added.Add(scenario);
        }
        if (added.Count == 0) return;
        await db.SaveChangesAsync(ct);
        foreach (var scenario in added) await ScenarioSearchIndex.UpsertAsync(db, scenario, ct);
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

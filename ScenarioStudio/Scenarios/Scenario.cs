using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// A training scenario as stored. Structured parts (persona, context, tone, rubric, AI settings) are JSON
/// columns; phases are rows. The integer id is also the rowid of the scenario_fts full-text index.
/// </summary>
public sealed class Scenario : IScenarioListing
{
    public int Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public ScenarioDomain Domain { get; set; }
    public string Category { get; set; } = "";
    public Difficulty Difficulty { get; set; }
    public int EstimatedMinutes { get; set; }
    public int XpReward { get; set; }
    public List<string> Tags { get; set; } = [];
    public string Locale { get; set; } = "en-GB";
    public Persona Persona { get; set; } = new();
    public ScenarioContext Context { get; set; } = new();
    public ToneGuidelines Tone { get; set; } = new();
    public List<RubricCriterion> Rubric { get; set; } = [];
    public AiSettings Ai { get; set; } = new();
    public List<ScenarioPhase> Phases { get; set; } = [];

    public Visibility Visibility { get; set; } = Visibility.Organisation;
    public ScenarioStatus Status { get; set; } = ScenarioStatus.Draft;
    /// <summary>Part of the seeded library: everyone reads and duplicates it; only Admins change it.</summary>
    public bool IsSystem { get; set; }
    public string? TemplateKey { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>The number of the version learners practise (the row holds its content); null before the first publish.</summary>
    public int? LiveVersion { get; set; }
    /// <summary>Who submitted the row's content for review, and when (while it is in review).</summary>
    public string? SubmittedById { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    /// <summary>Optimistic concurrency: a save based on an older version is refused instead of overwriting.</summary>
    public int Revision { get; set; }
    /// <summary>Set on variant B of a scenario (A), made for an A/B experiment (see Experiments/ExperimentService.cs).</summary>
    public int? VariantOfId { get; set; }
    /// <summary>
    /// The organisation whose shared catalogue this scenario was duplicated from, by name as it was then (null for a scenario
    /// written here). A name, not an id: the copy is this organisation's own, and outlives the other organisation.
    /// </summary>
    public string? SharedFrom { get; set; }

    /// <summary>
    /// The row's authored content as a document. With <paramref name="copy"/> false the document shares the row's parts
    /// (persona, phases…) instead of copying them: for reading or writing them out while the row stays as it is (a
    /// publish's checks and version), never for a document that will be edited.
    /// </summary>
    public ScenarioDocument ToDocument(bool copy = true)
    {
        T Own<T>(T part) => copy ? ScenarioJson.Clone(part) : part;
        return new()
        {
            Title = Title, Slug = Slug, Description = Description, Domain = Domain, Category = Category,
            Difficulty = Difficulty, EstimatedMinutes = EstimatedMinutes, XpReward = XpReward, Tags = [.. Tags], Locale = Locale,
            Persona = Own(Persona), Context = Own(Context), Tone = Own(Tone), Rubric = Own(Rubric), Ai = Own(Ai),
            Phases = Phases.OrderBy(p => p.Order).Select(p => Own(p.Content)).ToList(),
        };
    }

    /// <summary>
    /// Copies the authored content onto this row; phases are replaced as a whole. With <paramref name="copy"/> false the
    /// row takes the document's parts as they are (an import's freshly read documents, which nothing else holds).
    /// </summary>
    public void Apply(ScenarioDocument doc, bool copy = true)
    {
        T Own<T>(T part) => copy ? ScenarioJson.Clone(part) : part;
        Title = doc.Title.Trim(); Slug = doc.Slug.Trim(); Description = doc.Description.Trim(); Domain = doc.Domain;
        Category = doc.Category.Trim(); Difficulty = doc.Difficulty; EstimatedMinutes = doc.TotalMinutes(); XpReward = doc.XpReward;
        Tags = doc.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Locale = doc.Locale.Trim();
        Persona = Own(doc.Persona); Context = Own(doc.Context); Tone = Own(doc.Tone); Rubric = Own(doc.Rubric); Ai = Own(doc.Ai);
        Phases.Clear();
        Phases.AddRange(ScenarioVersioning.WithPhaseKeys(doc.Phases).Select((p, i) => ScenarioPhase.From(Own(p), i, OrganisationId, copy: false)));
    }
}

/// <summary>One phase of a scenario's row. Never edited in place: a change of content replaces the phases (<see cref="Scenario.Apply"/>).</summary>
public sealed class ScenarioPhase : IOrganisationOwned
{
    public int Id { get; set; }
    public int ScenarioId { get; set; }
    public Guid OrganisationId { get; set; }
    public int Order { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The whole authored phase as JSON: phases are always read and written with their scenario.</summary>
    public Phase Content { get; set; } = new();

    public static ScenarioPhase From(Phase phase, int order, Guid organisationId, bool copy = true) =>
        new() { Order = order, Name = phase.Name.Trim(), Content = copy ? ScenarioJson.Clone(phase) : phase, OrganisationId = organisationId };
}

internal sealed class ScenarioConfiguration : IEntityTypeConfiguration<Scenario>
{
    public const string CatalogueIndex = "IX_Scenarios_Catalogue";
    private const string CatalogueFilter = "\"Visibility\" = 'Public' AND \"Status\" = 'Published'";

    public void Configure(EntityTypeBuilder<Scenario> b)
    {
        b.Property(s => s.Slug).HasMaxLength(80);
        b.Property(s => s.Title).HasMaxLength(100);
        b.Property(s => s.Description).HasMaxLength(500);
        b.Property(s => s.Category).HasMaxLength(50);
        b.Property(s => s.Locale).HasMaxLength(20);
        b.Property(s => s.TemplateKey).HasMaxLength(80);
        b.Property(s => s.SharedFrom).HasMaxLength(Branding.MaxNameLength);
        b.Property(s => s.Domain).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Difficulty).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Visibility).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Revision).IsConcurrencyToken();
        b.Json(s => s.Tags);
        b.Json(s => s.Persona);
        b.Json(s => s.Context);
        b.Json(s => s.Tone);
        b.Json(s => s.Rubric);
        b.Json(s => s.Ai);
        // No foreign key: adding one makes SQLite rebuild the whole table. A variant whose original is deleted is a plain scenario.
        b.HasIndex(s => s.VariantOfId).HasFilter("\"VariantOfId\" IS NOT NULL");
        b.HasMany(s => s.Phases).WithOne().HasForeignKey(p => p.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.Slug }).IsUnique();
        b.HasIndex(s => new { s.OrganisationId, s.Status, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.Title });
        // Filtered lists walk these in date order and stop at the page (measured with bench/ search).
        b.HasIndex(s => new { s.OrganisationId, s.Domain, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.Difficulty, s.UpdatedAt });
        b.HasIndex(s => new { s.OrganisationId, s.CreatedById });
        // Search looks up every match by id for the access rules and filters: read from this narrow copy it costs a
        // quarter of reading the wide row, about 2 KB with its JSON columns, two to a page (bench search).
        b.HasIndex(s => new { s.Id, s.OrganisationId, s.Status, s.Visibility, s.CreatedById, s.Domain, s.Difficulty, s.Category, s.UpdatedAt })
            .HasDatabaseName(ScenarioSearchIndex.HitIndex);
        // Start-up seeding asks each organisation which library templates it has; only library scenarios have a key,
        // so the index stays as small as the library whatever else an organisation writes.
        b.HasIndex(s => new { s.OrganisationId, s.TemplateKey }).HasFilter("\"TemplateKey\" IS NOT NULL");
        // The shared catalogue reads only public, published scenarios, newest first, across organisations: these hold just
        // those rows, so paging and counting it never walks the scenarios an organisation keeps to itself (ScenarioCatalogue).
        // The id is named so that the order (published, then id) is the index's own and nothing is sorted.
        b.HasIndex(s => new { s.PublishedAt, s.Id, s.OrganisationId, s.IsSystem }).HasDatabaseName(CatalogueIndex)
            .HasFilter(CatalogueFilter);
        b.HasIndex(s => new { s.Domain, s.PublishedAt, s.Id, s.OrganisationId, s.IsSystem }).HasDatabaseName(CatalogueIndex + "_Domain")
            .HasFilter(CatalogueFilter);
        // Start-up gives a first version to what was published before versions were kept: none, once done.
        b.HasIndex(s => s.Id).HasDatabaseName("IX_Scenarios_Unversioned").HasFilter("\"LiveVersion\" IS NULL AND \"Status\" = 'Published'");
    }
}

internal sealed class ScenarioPhaseConfiguration : IEntityTypeConfiguration<ScenarioPhase>
{
    public void Configure(EntityTypeBuilder<ScenarioPhase> b)
    {
        b.Property(p => p.Name).HasMaxLength(80);
        b.ImmutableJson(p => p.Content);
        b.HasIndex(p => new { p.ScenarioId, p.Order });
    }
}

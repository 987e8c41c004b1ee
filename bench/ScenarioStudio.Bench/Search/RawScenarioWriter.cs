using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// Writes scenarios straight into the EF tables (Scenarios, ScenarioPhases) and the FTS5 index with reused,
/// prepared INSERT commands, storing every column exactly as EF would (see <see cref="SearchBenchmark"/>'s probe,
/// which compares a row written here with one written by ScenarioCommands.CreateAsync):
/// enums as their names, DateTimeOffset as DateTimeOffsetToBinaryConverter's long, Guid as upper-case TEXT,
/// JSON columns as ScenarioJson.Serialize.
/// </summary>
public sealed class RawScenarioWriter : IDisposable
{
    private static readonly DateTimeOffsetToBinaryConverter Time = new();

    private readonly SqliteCommand scenario, phase, fts;
    private readonly string organisationId;

    public RawScenarioWriter(SqliteConnection connection, SqliteTransaction transaction, Guid organisationId)
    {
        this.organisationId = Guid(organisationId);
        scenario = PreparedCommands.Prepare(connection, transaction, """
            INSERT INTO "Scenarios" ("Id", "OrganisationId", "Slug", "Title", "Description", "Domain", "Category", "Difficulty",
                "EstimatedMinutes", "XpReward", "Tags", "Locale", "Persona", "Context", "Tone", "Rubric", "Ai", "Visibility", "Status",
                "IsSystem", "TemplateKey", "CreatedById", "CreatedAt", "UpdatedAt", "PublishedAt", "Revision")
            VALUES ($id, $org, $slug, $title, $description, $domain, $category, $difficulty, $minutes, $xp, $tags, $locale, $persona,
                $context, $tone, $rubric, $ai, $visibility, $status, $system, $template, $createdBy, $createdAt, $updatedAt, $publishedAt, $revision)
            """);
        phase = PreparedCommands.Prepare(connection, transaction, """
            INSERT INTO "ScenarioPhases" ("ScenarioId", "OrganisationId", "Order", "Name", "Content")
            VALUES ($scenario, $org, $order, $name, $content)
            """);
        fts = PreparedCommands.Prepare(connection, transaction,
            "INSERT INTO scenario_fts(rowid, title, description, tags, phases, facets) VALUES ($id, $title, $description, $tags, $phases, $facets)");
    }

    /// <summary>How EF Core SQLite stores a Guid: TEXT, upper-case "D" format.</summary>
    public static string Guid(Guid value) => value.ToString("D").ToUpperInvariant();

    /// <summary>How the app's DateTimeOffsetToBinaryConverter convention stores a DateTimeOffset.</summary>
    public static long Binary(DateTimeOffset value) => (long)Time.ConvertToProvider(value)!;

    public void Write(int id, GeneratedScenario g)
    {
        var d = g.Document;
        // Scenario.Apply trims and de-duplicates; the generator already produces trimmed, distinct values.
        scenario.Set("$id", id);
        scenario.Set("$org", organisationId);
        scenario.Set("$slug", d.Slug);
        scenario.Set("$title", d.Title);
        scenario.Set("$description", d.Description);
        scenario.Set("$domain", d.Domain.ToString());
        scenario.Set("$category", d.Category);
        scenario.Set("$difficulty", d.Difficulty.ToString());
        scenario.Set("$minutes", d.TotalMinutes()); // as Scenario.Apply stores it: the phases' minutes added up
        scenario.Set("$xp", d.XpReward);
        scenario.Set("$tags", ScenarioJson.Serialize(d.Tags));
        scenario.Set("$locale", d.Locale);
        scenario.Set("$persona", ScenarioJson.Serialize(d.Persona));
        scenario.Set("$context", ScenarioJson.Serialize(d.Context));
        scenario.Set("$tone", ScenarioJson.Serialize(d.Tone));
        scenario.Set("$rubric", ScenarioJson.Serialize(d.Rubric));
        scenario.Set("$ai", ScenarioJson.Serialize(d.Ai));
        scenario.Set("$visibility", g.Visibility.ToString());
        scenario.Set("$status", g.Status.ToString());
        scenario.Set("$system", 0);
        scenario.Set("$template", null);
        scenario.Set("$createdBy", g.CreatedById);
        scenario.Set("$createdAt", Binary(g.CreatedAt));
        scenario.Set("$updatedAt", Binary(g.UpdatedAt));
        scenario.Set("$publishedAt", g.PublishedAt is { } p ? Binary(p) : null);
        scenario.Set("$revision", g.Revision);
        scenario.ExecuteNonQuery();

        // As Scenario.Apply does: every phase has a key of its own.
        d.Phases = ScenarioVersioning.WithPhaseKeys(d.Phases).ToList();
        for (var i = 0; i < d.Phases.Count; i++)
        {
            phase.Set("$scenario", id);
            phase.Set("$org", organisationId);
            phase.Set("$order", i);
            phase.Set("$name", d.Phases[i].Name.Trim());
            phase.Set("$content", ScenarioJson.Serialize(d.Phases[i]));
            phase.ExecuteNonQuery();
        }

        fts.Set("$id", id);
        fts.Set("$title", d.Title);
        fts.Set("$description", d.Description);
        fts.Set("$tags", string.Join(' ', d.Tags));
        fts.Set("$phases", PhaseText(d.Phases));
        fts.Set("$facets", ScenarioSearchIndex.Facets(d.Domain, d.Difficulty, g.Visibility));
        fts.ExecuteNonQuery();
    }

    /// <summary>A copy of the app's internal ScenarioSearchIndex.PhaseText (the probe checks they agree).</summary>
    public static string PhaseText(IEnumerable<Phase> phases)
    {
        var text = new StringBuilder();
        foreach (var p in phases)
        {
            text.AppendJoin(' ', p.Name, p.Description, p.CustomerOpening, p.IdealResponse, p.CoachingNotes, p.CulturalNotes)
                .Append(' ').AppendJoin(' ', p.Objectives).Append(' ').AppendJoin(' ', p.KeyVocabulary)
                .Append(' ').AppendJoin(' ', p.EssentialPhrases).Append(' ').AppendJoin(' ', p.FollowUpObjections)
                .Append(' ').AppendJoin(' ', p.SuccessCriteria).Append(' ').AppendJoin(' ', p.CommonMistakes).Append('\n');
        }
        return text.ToString();
    }

    public void Dispose()
    {
        scenario.Dispose();
        phase.Dispose();
        fts.Dispose();
    }
}

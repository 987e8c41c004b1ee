using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// Writes scenarios straight into the EF tables (Scenarios, ScenarioPhases) and the FTS5 index with reused,
/// prepared INSERT commands, storing every column exactly as EF would (see <see cref="SearchBenchmark"/>'s probe,
/// which compares a row written here with one written by ScenarioService.CreateAsync):
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
        scenario = Command(connection, transaction, """
            INSERT INTO "Scenarios" ("Id", "OrganisationId", "Slug", "Title", "Description", "Domain", "Category", "Difficulty",
                "EstimatedMinutes", "XpReward", "Tags", "Locale", "Persona", "Context", "Tone", "Rubric", "Ai", "Visibility", "Status",
                "IsSystem", "TemplateKey", "CreatedById", "CreatedAt", "UpdatedAt", "PublishedAt", "Revision")
            VALUES ($id, $org, $slug, $title, $description, $domain, $category, $difficulty, $minutes, $xp, $tags, $locale, $persona,
                $context, $tone, $rubric, $ai, $visibility, $status, $system, $template, $createdBy, $createdAt, $updatedAt, $publishedAt, $revision)
            """);
        phase = Command(connection, transaction, """
            INSERT INTO "ScenarioPhases" ("ScenarioId", "OrganisationId", "Order", "Name", "Content")
            VALUES ($scenario, $org, $order, $name, $content)
            """);
        fts = Command(connection, transaction,
            "INSERT INTO scenario_fts(rowid, title, description, tags, phases) VALUES ($id, $title, $description, $tags, $phases)");
    }

    /// <summary>How EF Core SQLite stores a Guid: TEXT, upper-case "D" format.</summary>
    public static string Guid(Guid value) => value.ToString("D").ToUpperInvariant();

    /// <summary>How the app's DateTimeOffsetToBinaryConverter convention stores a DateTimeOffset.</summary>
    public static long Binary(DateTimeOffset value) => (long)Time.ConvertToProvider(value)!;

    public void Write(int id, GeneratedScenario g)
    {
        var d = g.Document;
        // Scenario.Apply trims and de-duplicates; the generator already produces trimmed, distinct values.
        Set(scenario, "$id", id);
        Set(scenario, "$org", organisationId);
        Set(scenario, "$slug", d.Slug);
        Set(scenario, "$title", d.Title);
        Set(scenario, "$description", d.Description);
        Set(scenario, "$domain", d.Domain.ToString());
        Set(scenario, "$category", d.Category);
        Set(scenario, "$difficulty", d.Difficulty.ToString());
        Set(scenario, "$minutes", d.EstimatedMinutes);
        Set(scenario, "$xp", d.XpReward);
        Set(scenario, "$tags", ScenarioJson.Serialize(d.Tags));
        Set(scenario, "$locale", d.Locale);
        Set(scenario, "$persona", ScenarioJson.Serialize(d.Persona));
        Set(scenario, "$context", ScenarioJson.Serialize(d.Context));
        Set(scenario, "$tone", ScenarioJson.Serialize(d.Tone));
        Set(scenario, "$rubric", ScenarioJson.Serialize(d.Rubric));
        Set(scenario, "$ai", ScenarioJson.Serialize(d.Ai));
        Set(scenario, "$visibility", g.Visibility.ToString());
        Set(scenario, "$status", g.Status.ToString());
        Set(scenario, "$system", 0);
        Set(scenario, "$template", null);
        Set(scenario, "$createdBy", g.CreatedById);
        Set(scenario, "$createdAt", Binary(g.CreatedAt));
        Set(scenario, "$updatedAt", Binary(g.UpdatedAt));
        Set(scenario, "$publishedAt", g.PublishedAt is { } p ? Binary(p) : null);
        Set(scenario, "$revision", g.Revision);
        scenario.ExecuteNonQuery();

        for (var i = 0; i < d.Phases.Count; i++)
        {
            Set(phase, "$scenario", id);
            Set(phase, "$org", organisationId);
            Set(phase, "$order", i);
            Set(phase, "$name", d.Phases[i].Name.Trim());
            Set(phase, "$content", ScenarioJson.Serialize(d.Phases[i]));
            phase.ExecuteNonQuery();
        }

        Set(fts, "$id", id);
        Set(fts, "$title", d.Title);
        Set(fts, "$description", d.Description);
        Set(fts, "$tags", string.Join(' ', d.Tags));
        Set(fts, "$phases", PhaseText(d.Phases));
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

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+").Select(m => m.Value).Distinct())
            command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, string name, object? value) =>
        command.Parameters[name].Value = value ?? DBNull.Value;

    public void Dispose()
    {
        scenario.Dispose();
        phase.Dispose();
        fts.Dispose();
    }
}

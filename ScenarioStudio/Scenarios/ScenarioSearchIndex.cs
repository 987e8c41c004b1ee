using System.Text;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The SQLite FTS5 index over title, description, tags and phase text (table scenario_fts, rowid = scenario id).
/// Written by the service inside the same transaction as the scenario, so search never disagrees with the data.
/// </summary>
public static class ScenarioSearchIndex
{
    public const string CreateSql =
        "CREATE VIRTUAL TABLE IF NOT EXISTS scenario_fts USING fts5(title, description, tags, phases, tokenize = 'unicode61 remove_diacritics 2');";

    public static async Task UpsertAsync(AppDbContext db, Scenario s, CancellationToken ct)
    {
        await RemoveAsync(db, s.Id, ct);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO scenario_fts(rowid, title, description, tags, phases) VALUES ({s.Id}, {s.Title}, {s.Description}, {
                string.Join(' ', s.Tags)}, {PhaseText(s)})", ct);
    }

    public static Task RemoveAsync(AppDbContext db, int scenarioId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM scenario_fts WHERE rowid = {scenarioId}", ct);

    internal static string PhaseText(Scenario s)
    {
        var text = new StringBuilder();
        foreach (var p in s.Phases.Select(p => p.Content))
        {
            text.AppendJoin(' ', p.Name, p.Description, p.CustomerOpening, p.IdealResponse, p.CoachingNotes, p.CulturalNotes)
                .Append(' ').AppendJoin(' ', p.Objectives).Append(' ').AppendJoin(' ', p.KeyVocabulary)
                .Append(' ').AppendJoin(' ', p.EssentialPhrases).Append(' ').AppendJoin(' ', p.FollowUpObjections)
                .Append(' ').AppendJoin(' ', p.SuccessCriteria).Append(' ').AppendJoin(' ', p.CommonMistakes).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Turns what a user typed into a safe FTS5 query: each word quoted (so operators and punctuation are literal)
    /// and prefix-matched, all words required. Returns null when nothing searchable is left.
    /// </summary>
    public static string? ToMatchQuery(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var words = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(c => char.IsLetterOrDigit(c)).ToArray()))
            .Where(w => w.Length > 0)
            .Take(8)
            .Select(w => $"\"{w}\"*")
            .ToList();
        return words.Count == 0 ? null : string.Join(" AND ", words);
    }
}

using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The full-text index over title, description, tags and phase text: on SQLite an FTS5 table (scenario_fts, rowid =
/// scenario id) with the values the list filters by as facet words; on PostgreSQL a tsvector column with a GIN index
/// (<see cref="PostgresDialect"/>). Written by the services inside the same transaction as the scenario, so search never
/// disagrees with the data.
/// </summary>
public static class ScenarioSearchIndex
{
    /// <summary>
    /// Every search word is prefix-matched. Without a prefix index FTS5 answers <c>"disc"*</c> by merging the lists of
    /// every word starting with "disc" (and bm25 merges them again to count them), 30–40 ms for a common prefix over
    /// 100,000 scenarios; with these indexes a prefix of up to 12 letters is read like one word (bench search). They
    /// make the index five times larger (500 MB against 100 MB for 100,000 scenarios), nearly all of it for the short
    /// prefixes.
    /// </summary>
    public const string CreateSql =
        "CREATE VIRTUAL TABLE IF NOT EXISTS scenario_fts USING fts5(title, description, tags, phases, facets, " +
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8 9 10 11 12');";

    /// <summary>
    /// bm25 column weights, in the table's column order (title, description, tags, phases, facets): a word in the title
    /// counts ten times a word in the phase text, so a title match ranks above a scenario that only mentions it in a phase.
    /// </summary>
    public const string Rank = "bm25(scenario_fts, 10.0, 2.0, 4.0, 1.0, 0.0)";

    public static Task UpsertAsync(AppDbContext db, Scenario s, CancellationToken ct) => SqlDialect.Of(db.Database).IndexScenarioAsync(db, Text(s), ct);

    /// <summary>What the index holds for a scenario (its phases loaded).</summary>
    public static ScenarioSearchText Text(Scenario s) =>
        new(s.Id, s.Title, s.Description, string.Join(' ', s.Tags), PhaseText(s), Facets(s.Domain, s.Difficulty, s.Visibility));

    public static Task RemoveAsync(AppDbContext db, int scenarioId, CancellationToken ct) => SqlDialect.Of(db.Database).UnindexAsync(db, [scenarioId], ct);

    /// <summary>Removes many scenarios' rows in one statement (a bulk delete).</summary>
    public static Task RemoveManyAsync(AppDbContext db, IReadOnlyCollection<int> scenarioIds, CancellationToken ct) =>
        SqlDialect.Of(db.Database).UnindexAsync(db, scenarioIds, ct);

    /// <summary>After a change of visibility, which leaves the text as it is.</summary>
    public static Task UpdateFacetsAsync(AppDbContext db, Scenario s, CancellationToken ct) =>
        SqlDialect.Of(db.Database).UpdateFacetsAsync(db, s.Id, Facets(s.Domain, s.Difficulty, s.Visibility), ct);

    /// <summary>
    /// The values the list filters by (domain, difficulty, visibility) as words of their own, so a filtered search is
    /// narrowed inside the index; otherwise every match is looked up to read them, 15–30 ms for a common word whose
    /// matches are mostly in another domain. Each facet word starts with U+E000, a private-use character: the tokenizer
    /// keeps it in the word but <see cref="ToMatchQuery"/> drops it from what users type, so no search word matches a
    /// facet. (A column filter on the search words would do the same at twice the cost: FTS5 then reads every position of
    /// every match.) SearchRanking's migration wrote these words with SQL, a status word too.
    /// <para>
    /// The status is not a facet word: FTS5 changes one column of a row by deleting and re-adding the whole row, its phase
    /// text and eleven prefix indexes, so a status word made every publish, submit and archive rewrite the scenario's
    /// index row (a third of a bulk publish, bench transfer). The status filter reads <see cref="HitIndex"/>, as the access
    /// rules do; rows indexed before keep a status word that no search asks for.
    /// </para>
    /// </summary>
    public static string Facets(ScenarioDomain domain, Difficulty difficulty, Visibility visibility) =>
        string.Join(' ', Facet("domain", domain), Facet("difficulty", difficulty), Facet("visibility", visibility));

    internal static string Facet(string name, Enum value) => '\uE000' + (name + value).ToLowerInvariant();

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
    /// What a user typed, as search terms: letters and digits of each word (so operators and punctuation are never read as
    /// such), at most eight words, all required and prefix-matched, with the list's filters the index narrows by (see
    /// <see cref="SearchTerms"/>). Returns null when no word is left to search for.
    /// </summary>
    public static SearchTerms? Terms(string? input, ScenarioDomain? domain = null, Difficulty? difficulty = null, Visibility? visibility = null,
        ScenarioStatus? status = null, Guid? organisationId = null)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var words = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(c => char.IsLetterOrDigit(c)).ToArray()))
            .Where(w => w.Length > 0)
            .Take(8)
            .ToList();
        if (words.Count == 0) return null;
        return new SearchTerms(words) { OrganisationId = organisationId, Domain = domain, Difficulty = difficulty, Visibility = visibility, Status = status };
    }

    /// <summary>The SQLite FTS5 query for what a user typed (<see cref="SearchTerms.ToFts5"/>); null when no word is left.</summary>
    public static string? ToMatchQuery(string? input, ScenarioDomain? domain = null, Difficulty? difficulty = null, Visibility? visibility = null) =>
        Terms(input, domain, difficulty, visibility)?.ToFts5();

    /// <summary>The scenarios that match, newest first (by id), each with a <see cref="ScenarioSearchHit.Score"/> where lower ranks higher.</summary>
    public static IQueryable<ScenarioSearchHit> Hits(AppDbContext db, SearchTerms terms) => SqlDialect.Of(db.Database).Hits(db, terms);

    /// <summary>The index the SQLite search reads each match through (defined in ScenarioConfiguration).</summary>
    public const string HitIndex = "IX_Scenarios_Search";
}

/// <summary>
/// Search words (letters and digits only) and the list's filters that the index itself can narrow by: on SQLite the
/// facet words (<see cref="ScenarioSearchIndex.Facets(ScenarioDomain, Difficulty, Visibility)"/>; the status is not one),
/// on PostgreSQL the filter columns beside each document (PostgresDialect). The caller still applies every filter to the hits.
/// </summary>
public sealed record SearchTerms(IReadOnlyList<string> Words)
{
    /// <summary>The caller's organisation (PostgreSQL narrows by it on the index rows; the tenant filter applies anyway).</summary>
    public Guid? OrganisationId { get; init; }
    public ScenarioDomain? Domain { get; init; }
    public Difficulty? Difficulty { get; init; }
    public Visibility? Visibility { get; init; }
    public ScenarioStatus? Status { get; init; }

    /// <summary>The facet words of the filters FTS5 holds as words.</summary>
    public IEnumerable<string> Facets
    {
        get
        {
            if (Domain is { } d) yield return ScenarioSearchIndex.Facet("domain", d);
            if (Difficulty is { } level) yield return ScenarioSearchIndex.Facet("difficulty", level);
            if (Visibility is { } v) yield return ScenarioSearchIndex.Facet("visibility", v);
        }
    }

    /// <summary>
    /// FTS5: each word quoted and prefix-matched, all required, with the facet words. A single letter is matched as a word:
    /// as a prefix it would match nearly every scenario, at the cost of merging the lists of every word it starts (about a
    /// second over 100,000 scenarios), and it is what the search box holds after the first key.
    /// </summary>
    public string ToFts5() => string.Join(" AND ",
        Words.Select(w => w.Length == 1 ? $"\"{w}\"" : $"\"{w}\"*").Concat(Facets.Select(f => $"\"{f}\"")));

    /// <summary>PostgreSQL tsquery text: the same words, prefix-matched alike (<c>disc:*</c>); the filters are columns there.</summary>
    public string ToTsQuery() => string.Join(" & ", Words.Select(w => w.Length == 1 ? w : w + ":*"));
}

/// <summary>
/// One scenario that matches a search: the columns the access rules and filters read, and its score (lower is better:
/// bm25 as SQLite gives it, or PostgreSQL's ts_rank_cd negated). Not a table: read only through <see cref="ScenarioSearchIndex.Hits"/>.
/// </summary>
public sealed class ScenarioSearchHit : IScenarioListing
{
    public int Id { get; set; }
    public Guid OrganisationId { get; set; }
    public ScenarioDomain Domain { get; set; }
    public string Category { get; set; } = "";
    public Difficulty Difficulty { get; set; }
    public ScenarioStatus Status { get; set; }
    public Visibility Visibility { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public double Score { get; set; }
}

internal sealed class ScenarioSearchHitConfiguration : IEntityTypeConfiguration<ScenarioSearchHit>
{
    public void Configure(EntityTypeBuilder<ScenarioSearchHit> b)
    {
        b.HasNoKey().ToTable((string?)null);
        b.Property(h => h.Domain).HasConversion<string>();
        b.Property(h => h.Difficulty).HasConversion<string>();
        b.Property(h => h.Status).HasConversion<string>();
        b.Property(h => h.Visibility).HasConversion<string>();
    }
}

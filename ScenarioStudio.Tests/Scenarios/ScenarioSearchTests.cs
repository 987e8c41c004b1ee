using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>The order of the scenario list: relevance while searching, and the orders a user picks.</summary>
public sealed class ScenarioSearchTests : OrganisationTestBase
{
    private async Task<int> CreateAsync(ScenarioDocument doc, Difficulty difficulty = Difficulty.Beginner)
    {
        doc.Difficulty = difficulty;
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await using var scope = await db.AsAsync(org.ContentManager);
        return await scope.Scenarios().Commands.CreateAsync(doc, Visibility.Organisation);
    }

    private async Task<List<string>> TitlesAsync(ScenarioQuery query)
    {
        await using var scope = await db.AsAsync(org.ContentManager);
        return [.. (await scope.Scenarios().Queries.SearchAsync(query)).Rows.Select(r => r.Title)];
    }

    private static ScenarioDocument WithPhaseNote(string title, string note)
    {
        var doc = ScenarioSamples.Publishable(title);
        doc.Phases[1].CoachingNotes = note;
        return doc;
    }

    [Fact]
    public async Task A_title_match_ranks_above_a_scenario_that_mentions_the_word_only_in_its_phases()
    {
        // The title match is the older one and the other says the word twice: neither date nor count puts it first.
        await CreateAsync(ScenarioSamples.Publishable("Zeppelin tour cancelled"));
        await CreateAsync(WithPhaseNote("Tour cancelled by the operator", "Offer the zeppelin voucher, then the zeppelin refund."));

        Assert.Equal(["Zeppelin tour cancelled", "Tour cancelled by the operator"], await TitlesAsync(new ScenarioQuery("zeppelin")));
        Assert.Equal(["Zeppelin tour cancelled", "Tour cancelled by the operator"], await TitlesAsync(new ScenarioQuery("zepp cancel")));
    }

    [Fact]
    public async Task Equally_relevant_scenarios_come_most_recently_updated_first()
    {
        var first = await CreateAsync(ScenarioSamples.Publishable("Quokka call one"));
        await CreateAsync(ScenarioSamples.Publishable("Quokka call two"));
        Assert.Equal(["Quokka call two", "Quokka call one"], await TitlesAsync(new ScenarioQuery("quokka")));

        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = await db.AsAsync(org.ContentManager))
        {
            var services = scope.Scenarios();
            var details = await services.Queries.GetAsync(first);
            details.Document.Description = "A prospect wants a **large trial pack** first.";
            await services.Commands.UpdateAsync(first, details.Document, Visibility.Organisation, details.Revision);
        }
        Assert.Equal(["Quokka call one", "Quokka call two"], await TitlesAsync(new ScenarioQuery("quokka")));
    }

    [Fact]
    public async Task A_chosen_order_applies_to_the_matches_only()
    {
        await CreateAsync(ScenarioSamples.Publishable("Walrus delivery late"), Difficulty.Advanced);
        await CreateAsync(ScenarioSamples.Publishable("Aardvark without a match"));
        await CreateAsync(WithPhaseNote("Billing question", "Mention the walrus plan."), Difficulty.Intermediate);
        await CreateAsync(ScenarioSamples.Publishable("Walrus account closed"));

        Assert.Equal(["Billing question", "Walrus account closed", "Walrus delivery late"],
            await TitlesAsync(new ScenarioQuery("walrus", Sort: ScenarioSort.Title)));
        Assert.Equal(["Walrus account closed", "Billing question", "Walrus delivery late"],
            await TitlesAsync(new ScenarioQuery("walrus", Sort: ScenarioSort.Difficulty)));
        Assert.Equal(["Walrus account closed", "Billing question", "Walrus delivery late"],
            await TitlesAsync(new ScenarioQuery("walrus", Sort: ScenarioSort.Updated)));
        // Without words there is nothing to rank by: newest first.
        Assert.Equal(["Walrus account closed", "Billing question", "Aardvark without a match", "Walrus delivery late"],
            await TitlesAsync(new ScenarioQuery()));
        Assert.Equal("Aardvark without a match", (await TitlesAsync(new ScenarioQuery(Sort: ScenarioSort.Title)))[0]);
    }

    [Fact]
    public async Task Relevance_counts_and_pages_through_every_match_the_caller_may_read()
    {
        for (var i = 1; i <= 5; i++)
            await CreateAsync(WithPhaseNote($"Narwhal case {i}", "The narwhal policy."), i % 2 == 1 ? Difficulty.Beginner : Difficulty.Advanced);
        await using (var scope = await db.AsAsync(org.Admin))
            await scope.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Narwhal private draft"), Visibility.Private);

        await using var asContentManager = await db.AsAsync(org.ContentManager);
        var queries = asContentManager.Scenarios().Queries;
        var second = await queries.SearchAsync(new ScenarioQuery("narwhal", Page: 1, PageSize: 2));
        Assert.Equal(5, second.Total);
        Assert.Equal(["Narwhal case 3", "Narwhal case 2"], second.Rows.Select(r => r.Title));
        var beginner = await queries.SearchAsync(new ScenarioQuery("narwhal", Difficulty: Difficulty.Beginner));
        Assert.Equal(["Narwhal case 5", "Narwhal case 3", "Narwhal case 1"], beginner.Rows.Select(r => r.Title));
        Assert.Equal(3, beginner.Total);
    }

    [Fact]
    public async Task The_newest_matches_are_found_however_many_newer_scenarios_do_not_match()
    {
        // The oldest three and one recent scenario mention the word, with unrelated ones between. PostgreSQL first reads the
        // newest ids (none of them matches), then the index's newest matches, eight times as many while the caller's own
        // filter (here the difficulty, which the terms leave out) keeps too few; SQLite reads them newest first.
        var ids = new List<int>();
        for (var i = 1; i <= 30; i++)
        {
            var title = i is <= 3 or 22 ? $"Okapi case {i}" : $"Unrelated call {i}";
            ids.Add(await CreateAsync(ScenarioSamples.Publishable(title), i == 3 ? Difficulty.Advanced : Difficulty.Beginner));
        }
        await using var check = await db.OpenUnfilteredAsync();
        var dialect = SqlDialect.Of(check.Database);
        var terms = ScenarioSearchIndex.Terms("okapi")!;
        async Task<List<int>> NewestAsync(int limit, Difficulty? difficulty = null) => await dialect.NewestHitsAsync(check, terms,
            hits => hits.Where(h => h.OrganisationId == org.Id && (difficulty == null || h.Difficulty == difficulty)), h => h.Id, limit, default);

        Assert.Equal([ids[21], ids[2]], await NewestAsync(2));
        Assert.Equal([ids[21], ids[1]], await NewestAsync(2, Difficulty.Beginner));
        Assert.Equal([ids[21], ids[2], ids[1], ids[0]], await NewestAsync(10));
        Assert.Empty(await dialect.NewestHitsAsync(check, ScenarioSearchIndex.Terms("unheardofword")!, hits => hits, h => h.Id, 5, default));
    }

    [Fact]
    public async Task A_filtered_search_follows_edits_and_status_changes_and_survives_the_index_rebuild()
    {
        var id = await CreateAsync(ScenarioSamples.Publishable("Axolotl renewal call"), Difficulty.Advanced);
        Task<List<string>> FindAsync(ScenarioDomain domain, Difficulty? difficulty = null, ScenarioStatus? status = null, Visibility? visibility = null) =>
            TitlesAsync(new ScenarioQuery("axolotl", domain, Difficulty: difficulty, Status: status, Visibility: visibility));
        Assert.Equal(["Axolotl renewal call"], await FindAsync(ScenarioDomain.Sales, Difficulty.Advanced, ScenarioStatus.Draft, Visibility.Organisation));
        Assert.Empty(await FindAsync(ScenarioDomain.Support));
        Assert.Empty(await FindAsync(ScenarioDomain.Sales, Difficulty.Beginner));
        Assert.Empty(await FindAsync(ScenarioDomain.Sales, visibility: Visibility.Private));
        // The facet words are not search words.
        Assert.Empty(await TitlesAsync(new ScenarioQuery("domainsales")));

        await using (var scope = await db.AsAsync(org.ContentManager))
        {
            var services = scope.Scenarios();
            var details = await services.Queries.GetAsync(id);
            details.Document.Domain = ScenarioDomain.Support;
            await services.Commands.UpdateAsync(id, details.Document, Visibility.Organisation, details.Revision);
        }
        await using (var scope = await db.AsAsync(org.Admin))
            await scope.Scenarios().Lifecycle.PublishAsync(id);
        Assert.Empty(await FindAsync(ScenarioDomain.Sales));
        Assert.Empty(await FindAsync(ScenarioDomain.Support, status: ScenarioStatus.Draft));
        Assert.Equal(["Axolotl renewal call"], await FindAsync(ScenarioDomain.Support, status: ScenarioStatus.Published));

        // Down to the index without the filters and up again: the migration writes them as the service and the trigger do
        // (SQLite's facet words came with SearchRanking, PostgreSQL's filter columns with SearchFilters).
        await using (var context = TestEngine.IsPostgres
            ? new PostgresAppDbContext(db.Services.GetRequiredService<DbContextOptions<AppDbContext>>())
            : await db.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var migrator = context.GetService<IMigrator>();
            var migrations = context.Database.GetMigrations().ToList();
            var first = TestEngine.IsPostgres ? "_SearchFilters" : "_SearchRanking";
            await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith(first, StringComparison.Ordinal)) - 1]);
            await migrator.MigrateAsync();
        }
        Assert.Equal(["Axolotl renewal call"],
            await FindAsync(ScenarioDomain.Support, Difficulty.Advanced, ScenarioStatus.Published, Visibility.Organisation));
        Assert.Empty(await FindAsync(ScenarioDomain.Sales));
        Assert.Empty(await FindAsync(ScenarioDomain.Support, status: ScenarioStatus.Draft));
    }

    [Fact]
    public async Task A_single_letter_is_matched_as_a_word_and_two_letters_as_the_start_of_one()
    {
        await CreateAsync(ScenarioSamples.Publishable("Late delivery"));
        // The sample's phases open with "Opening line 1".
        Assert.Empty(await TitlesAsync(new ScenarioQuery("l")));
        Assert.Equal(["Late delivery"], await TitlesAsync(new ScenarioQuery("1")));
        Assert.Equal(["Late delivery"], await TitlesAsync(new ScenarioQuery("li")));
    }

    [Fact]
    public async Task Accents_are_ignored_either_way_punctuation_is_literal_and_tags_outrank_the_description()
    {
        var described = ScenarioSamples.Publishable("Refund after a missed train");
        described.Description = "The customer asks for a refund at the café.";
        await CreateAsync(described);
        var tagged = ScenarioSamples.Publishable("Complaint about breakfast");
        tagged.Tags = ["cafe"];
        await CreateAsync(tagged);

        // Written with or without its accent, a word finds both (FTS5's remove_diacritics, PostgreSQL's unaccent); the tag
        // weighs more than the description (4 against 2), whichever is newer.
        Assert.Equal(["Complaint about breakfast", "Refund after a missed train"], await TitlesAsync(new ScenarioQuery("café")));
        Assert.Equal(["Complaint about breakfast", "Refund after a missed train"], await TitlesAsync(new ScenarioQuery("CAFE")));
        // Query operators are read as text, never as syntax.
        Assert.Equal(["Refund after a missed train"], await TitlesAsync(new ScenarioQuery("\"refund\" & !train:* | (missed")));
    }
}

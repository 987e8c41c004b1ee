using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class ScenarioServiceTests : OrganisationTestBase
{
    private async Task<T> AsAsync<T>(Microsoft.AspNetCore.Identity.IdentityUser user, Func<ScenarioServices, Task<T>> call)
    {
        await using var scope = await db.AsAsync((ScenarioStudio.Account.ApplicationUser)user);
        return await call(scope.Scenarios());
    }

    private Task<int> CreateAsync(ScenarioDocument? doc = null, Visibility visibility = Visibility.Organisation) =>
        AsAsync(org.ContentManager, s => s.Commands.CreateAsync(doc ?? ScenarioSamples.Publishable(), visibility));

    [Fact]
    public async Task A_content_manager_creates_a_draft_that_round_trips_every_field()
    {
        var doc = ScenarioSamples.Publishable();
        doc.Tags = ["whatsapp", "trial"];
        doc.Context.TicketFields = [new CardField { Label = "Plan", Value = "Starter" }];
        doc.Tone.PhrasesToAvoid = ["calm down"];
        doc.Ai.MaxTurns = 4;
        doc.EstimatedMinutes = 45; // not what the phases add up to: the stored duration is theirs (3 × 4)
        var id = await CreateAsync(doc);

        var details = await AsAsync(org.ContentManager, s => s.Queries.GetAsync(id));
        Assert.Equal(ScenarioStatus.Draft, details.Status);
        Assert.Equal(12, details.Document.EstimatedMinutes);
        doc.EstimatedMinutes = 12;
        Assert.Equal(ScenarioJson.Serialize(doc), ScenarioJson.Serialize(details.Document));
        Assert.True(details.Actions.CanEdit);
        Assert.False(details.Actions.CanPublish);
    }

    [Fact]
    public async Task Invalid_scenarios_are_refused_field_by_field_and_nothing_is_written()
    {
        var doc = ScenarioSamples.Publishable(phases: 1);
        doc.Title = "No";
        doc.Description = new string('x', 501);
        doc.Phases[0].ExpectedMinutes = 2;
        doc.Rubric[0].Weight = 50;

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync(doc));
        Assert.Equal(["Description", "EstimatedMinutes", "Phases", "Rubric", "Title"], ex.Errors.Keys.Order());
        Assert.Contains("add up to 100 (now 130)", ex.Errors["Rubric"][0]);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Scenarios.AnyAsync());
        Assert.False(await check.ScenarioPhases.AnyAsync());
    }

    [Fact]
    public async Task Language_scenarios_need_five_vocabulary_items_and_five_phrases_per_phase()
    {
        var doc = ScenarioSamples.Publishable("At the restaurant", ScenarioDomain.Language);
        doc.Phases[1].KeyVocabulary = ["menu", "bill"];
        doc.Phases[2].EssentialPhrases.RemoveAt(0);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync(doc));
        Assert.Equal(["Phases[1].KeyVocabulary", "Phases[2].EssentialPhrases"], ex.Errors.Keys.Order());
    }

    [Fact]
    public async Task Slugs_are_unique_per_organisation_only()
    {
        await CreateAsync();
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync());
        Assert.Contains("Slug", ex.Errors.Keys);

        var other = await db.CreateOrganisationAsync("Globex");
        await AsAsync(other.ContentManager, s => s.Commands.CreateAsync(ScenarioSamples.Publishable(), Visibility.Organisation));
    }

    [Fact]
    public async Task Publishing_needs_an_opening_and_an_ideal_response_in_every_phase()
    {
        var doc = ScenarioSamples.Publishable();
        doc.Phases[1].IdealResponse = "";
        doc.Phases[2].CustomerOpening = " ";
        var id = await CreateAsync(doc); // a draft may be incomplete

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAsync(org.ContentManager, async s => { await s.Lifecycle.SubmitForReviewAsync(id); return 0; }));
        Assert.Equal(["Phases[1].IdealResponse", "Phases[2].CustomerOpening"], ex.Errors.Keys.Order());
        Assert.Equal(ScenarioStatus.Draft, (await AsAsync(org.Admin, s => s.Queries.GetAsync(id))).Status);
    }

    [Fact]
    public async Task The_review_workflow_follows_the_role_table()
    {
        var id = await CreateAsync();
        // Only Admins and Reviewers publish; a Content manager submits.
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.ContentManager, async s => { await s.Lifecycle.PublishAsync(id); return 0; }));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Reviewer, async s => { await s.Lifecycle.SubmitForReviewAsync(id); return 0; }));
        await AsAsync(org.ContentManager, async s => { await s.Lifecycle.SubmitForReviewAsync(id); return 0; });
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Manager, async s => { await s.Lifecycle.PublishAsync(id); return 0; }));
        await AsAsync(org.Reviewer, async s => { await s.Lifecycle.PublishAsync(id); return 0; });
        Assert.Equal(ScenarioStatus.Published, (await AsAsync(org.Learner, s => s.Queries.GetAsync(id))).Status);

        await AsAsync(org.Reviewer, async s => { await s.Lifecycle.ArchiveAsync(id); return 0; });
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, s => s.Queries.GetAsync(id)));
        await AsAsync(org.ContentManager, async s => { await s.Lifecycle.ReturnToDraftAsync(id); return 0; });
        Assert.Equal(ScenarioStatus.Draft, (await AsAsync(org.ContentManager, s => s.Queries.GetAsync(id))).Status);
    }

    [Fact]
    public async Task Learners_read_only_published_non_private_scenarios_and_change_nothing()
    {
        var draft = await CreateAsync(ScenarioSamples.Publishable("Draft one"));
        var published = await CreateAsync(ScenarioSamples.Publishable("Published one"));
        var privatePublished = await CreateAsync(ScenarioSamples.Publishable("Private one"), Visibility.Private);
        foreach (var id in new[] { published, privatePublished })
            await AsAsync(org.Admin, async s => { await s.Lifecycle.PublishAsync(id); return 0; });

        var seen = await AsAsync(org.Learner, s => s.Queries.SearchAsync(new ScenarioQuery()));
        Assert.Equal(["Published one"], seen.Rows.Select(r => r.Title));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, s => s.Queries.GetAsync(draft)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, s => s.Queries.GetAsync(privatePublished)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, s => s.Commands.CreateAsync(ScenarioSamples.Publishable("Mine"))));
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            AsAsync(org.Learner, s => s.Commands.UpdateAsync(published, ScenarioSamples.Publishable("Published one"), Visibility.Organisation, 0)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, s => s.Commands.DuplicateAsync(published)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Learner, async s => { await s.Commands.DeleteAsync(published); return 0; }));
    }

    [Fact]
    public async Task Private_scenarios_are_seen_by_their_creator_and_admins_only()
    {
        var id = await CreateAsync(ScenarioSamples.Publishable("Secret draft"), Visibility.Private);
        await AsAsync(org.ContentManager, s => s.Queries.GetAsync(id));
        await AsAsync(org.Admin, s => s.Queries.GetAsync(id));
        var otherCreator = await db.AddMemberAsync(org.Id, OrgRole.ContentManager, "Second creator");
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(otherCreator, s => s.Queries.GetAsync(id)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Manager, s => s.Queries.GetAsync(id)));
    }

    [Fact]
    public async Task Only_admins_delete_and_reviewers_and_managers_cannot_edit()
    {
        var id = await CreateAsync();
        var doc = ScenarioSamples.Publishable("Renamed");
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.ContentManager, async s => { await s.Commands.DeleteAsync(id); return 0; }));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Reviewer, s => s.Commands.UpdateAsync(id, doc, Visibility.Organisation, 0)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Manager, s => s.Commands.UpdateAsync(id, doc, Visibility.Organisation, 0)));
        await AsAsync(org.Admin, async s => { await s.Commands.DeleteAsync(id); return 0; });
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.ScenarioPhases.AnyAsync());
    }

    [Fact]
    public async Task Another_organisation_cannot_read_change_duplicate_or_find_a_scenario()
    {
        var id = await CreateAsync(ScenarioSamples.Publishable("Acme secret pricing"));
        await AsAsync(org.Admin, async s => { await s.Lifecycle.PublishAsync(id); return 0; });
        var other = await db.CreateOrganisationAsync("Globex");

        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(other.Admin, s => s.Queries.GetAsync(id)));
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            AsAsync(other.Admin, s => s.Commands.UpdateAsync(id, ScenarioSamples.Publishable("Stolen"), Visibility.Organisation, 1)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(other.Admin, s => s.Commands.DuplicateAsync(id)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(other.Admin, async s => { await s.Commands.DeleteAsync(id); return 0; }));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(other.Admin, async s => { await s.Lifecycle.ArchiveAsync(id); return 0; }));
        Assert.Equal(0, (await AsAsync(other.Admin, s => s.Queries.SearchAsync(new ScenarioQuery("pricing")))).Total);
        Assert.Equal(1, (await AsAsync(org.Learner, s => s.Queries.SearchAsync(new ScenarioQuery("pricing")))).Total);
    }

    [Fact]
    public async Task A_stale_save_is_refused_instead_of_overwriting()
    {
        var id = await CreateAsync();
        var revision = (await AsAsync(org.ContentManager, s => s.Queries.GetAsync(id))).Revision;
        await AsAsync(org.ContentManager, s => s.Commands.UpdateAsync(id, ScenarioSamples.Publishable("First edit"), Visibility.Organisation, revision));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            AsAsync(org.Admin, s => s.Commands.UpdateAsync(id, ScenarioSamples.Publishable("Second edit"), Visibility.Organisation, revision)));
        Assert.Equal("First edit", (await AsAsync(org.Admin, s => s.Queries.GetAsync(id))).Document.Title);
    }

    [Fact]
    public async Task Search_finds_words_in_title_description_tags_and_phase_text_and_stays_in_step_with_edits()
    {
        var doc = ScenarioSamples.Publishable("Refund outside the window");
        doc.Tags = ["ecommerce"];
        doc.Phases[2].CoachingNotes = "Mention the goodwill voucher early.";
        var id = await CreateAsync(doc);

        async Task<int> CountAsync(string q) => (await AsAsync(org.ContentManager, s => s.Queries.SearchAsync(new ScenarioQuery(q)))).Total;
        Assert.Equal(1, await CountAsync("refund"));
        Assert.Equal(1, await CountAsync("ecommerce"));
        Assert.Equal(1, await CountAsync("goodwill voucher"));
        Assert.Equal(1, await CountAsync("goodw"));   // prefix
        Assert.Equal(0, await CountAsync("goodwill banana"));
        Assert.Equal(0, await CountAsync("\"unbalanced AND OR NOT (")); // operators are literal, no error

        doc.Phases[2].CoachingNotes = "Offer store credit.";
        var revision = (await AsAsync(org.ContentManager, s => s.Queries.GetAsync(id))).Revision;
        await AsAsync(org.ContentManager, s => s.Commands.UpdateAsync(id, doc, Visibility.Organisation, revision));
        Assert.Equal(0, await CountAsync("goodwill"));
        Assert.Equal(1, await CountAsync("credit"));

        await AsAsync(org.Admin, async s => { await s.Commands.DeleteAsync(id); return 0; });
        Assert.Equal(0, await CountAsync("credit"));
    }

    [Fact]
    public async Task Filters_sorting_and_paging_work_together()
    {
        for (var i = 1; i <= 7; i++)
        {
            var doc = ScenarioSamples.Publishable($"Scenario {i:00}", i % 2 == 0 ? ScenarioDomain.Support : ScenarioDomain.Sales);
            doc.Difficulty = i <= 3 ? Difficulty.Beginner : Difficulty.Advanced;
            await CreateAsync(doc);
        }
        var page = await AsAsync(org.ContentManager, s => s.Queries.SearchAsync(
            new ScenarioQuery(Domain: ScenarioDomain.Sales, Sort: ScenarioSort.Title, Page: 1, PageSize: 2)));
        Assert.Equal(4, page.Total);
        Assert.Equal(["Scenario 05", "Scenario 07"], page.Rows.Select(r => r.Title));
        var advanced = await AsAsync(org.ContentManager,
            s => s.Queries.SearchAsync(new ScenarioQuery(Difficulty: Difficulty.Advanced, OwnerId: org.ContentManager.Id)));
        Assert.Equal(4, advanced.Total);
        Assert.All(advanced.Rows, r => Assert.Equal($"{nameof(OrgRole.ContentManager)} of Acme", r.OwnerName));
    }

    [Fact]
    public async Task Duplicating_makes_a_private_draft_copy_with_a_new_slug()
    {
        var id = await CreateAsync();
        await AsAsync(org.Admin, async s => { await s.Lifecycle.PublishAsync(id); return 0; });
        var copyId = await AsAsync(org.ContentManager, s => s.Commands.DuplicateAsync(id));
        var copy = await AsAsync(org.ContentManager, s => s.Queries.GetAsync(copyId));
        Assert.Equal("Copy of Trial pack objection", copy.Document.Title);
        Assert.Equal("trial-pack-objection-2", copy.Document.Slug);
        Assert.Equal((ScenarioStatus.Draft, Visibility.Private), (copy.Status, copy.Visibility));
        Assert.Equal(3, copy.Document.Phases.Count);
        // The next free number, found by looking up candidate slugs rather than reading every slug.
        var again = await AsAsync(org.ContentManager, s => s.Commands.DuplicateAsync(id));
        Assert.Equal("trial-pack-objection-3", (await AsAsync(org.ContentManager, s => s.Queries.GetAsync(again))).Document.Slug);
    }
}

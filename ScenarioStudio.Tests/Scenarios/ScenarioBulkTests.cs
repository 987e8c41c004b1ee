using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Notifications;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Bulk actions on the list's selection (issue 16.6): one transaction each, every row checked first, audited, indexed.</summary>
public sealed class ScenarioBulkTests(ITestOutputHelper output) : OrganisationTestBase
{
    private async Task<T> As<T>(ApplicationUser user, Func<AsUser, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope);
    }

    private Task<BulkResult> Bulk(ApplicationUser user, Func<ScenarioBulk, Task<BulkResult>> call) => As(user, s => call(s.Get<ScenarioBulk>()));

    private Task<int> DraftAsync(string title, ApplicationUser? author = null) =>
        As(author ?? org.ContentManager, s => s.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable(title)));

    private async Task<int> PublishedAsync(string title)
    {
        var id = await DraftAsync(title);
        await As(org.ContentManager, async s => { await s.Scenarios().Lifecycle.SubmitForReviewAsync(id); return 0; });
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));
        return id;
    }

    private async Task<Scenario> LoadAsync(int id)
    {
        await using var data = await db.OpenUnfilteredAsync();
        return await data.Scenarios.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private async Task<List<AuditEntry>> AuditAsync(AuditAction action)
    {
        await using var data = await db.OpenUnfilteredAsync();
        return await data.AuditEntries.Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<IReadOnlyList<string>> SearchAsync(ApplicationUser user, string words) =>
        (await As(user, s => s.Scenarios().Queries.SearchAsync(new ScenarioQuery(words)))).Rows.Select(r => r.Title).ToList();

    [Fact]
    public async Task A_content_managers_bulk_publish_submits_drafts_for_review_and_skips_what_is_published_or_waiting()
    {
        var (a, b) = (await DraftAsync("Walrus alpha"), await DraftAsync("Walrus beta"));
        var waiting = await DraftAsync("Walrus gamma");
        await As(org.ContentManager, async s => { await s.Scenarios().Lifecycle.SubmitForReviewAsync(waiting); return 0; });
        var live = await PublishedAsync("Walrus delta");

        var result = await Bulk(org.ContentManager, s => s.PublishAsync([a, b, waiting, live], null, default));

        Assert.False(result.Refused);
        Assert.True(result.SubmittedForReview);
        Assert.Equal((2, 2), (result.Changed, result.Skipped));
        Assert.Equal("2 scenarios submitted for review; 2 skipped (already published or in review).", result.Summary);
        Assert.All([await LoadAsync(a), await LoadAsync(b)], s => Assert.Equal(ScenarioStatus.InReview, s.Status));
        Assert.Equal(ScenarioStatus.Published, (await LoadAsync(live)).Status);
        var submits = await AuditAsync(AuditAction.Submit);
        Assert.Equal(2, submits.Count(e => e.Summary.Contains("bulk action on 2 scenarios")));
        await using var data = await db.OpenUnfilteredAsync();
        var told = await data.Notifications.Where(n => n.UserId == org.Reviewer.Id && n.Kind == NotificationKind.ReviewRequested).ToListAsync();
        Assert.Contains(told, n => n.Title == "Review requested: 2 scenarios" && n.Body.Contains("“Walrus alpha”"));
    }

    [Fact]
    public async Task A_reviewers_bulk_publish_approves_what_was_submitted_as_new_versions_and_learners_find_them()
    {
        var (a, b) = (await DraftAsync("Heron alpha"), await DraftAsync("Heron beta"));
        var live = await PublishedAsync("Heron live");
        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(live));
        details.Document.Phases[0].IdealResponse = "A warmer ideal response.";
        await As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(live, details.Document, details.Visibility, details.Revision));
        await Bulk(org.ContentManager, s => s.PublishAsync([a, b, live], null, default));
        Assert.Equal(["Heron live"], await SearchAsync(org.Learner, "heron"));

        var result = await Bulk(org.Reviewer, s => s.PublishAsync([a, b, live], null, default));

        Assert.Equal((3, 0, false), (result.Changed, result.Skipped, result.SubmittedForReview));
        Assert.Equal(["Heron alpha", "Heron beta", "Heron live"], (await SearchAsync(org.Learner, "heron")).Order());
        var learnerView = await As(org.Learner, s => s.Scenarios().Queries.GetAsync(live));
        Assert.Equal((2, "A warmer ideal response."), (learnerView.LiveVersion!.Value, learnerView.Document.Phases[0].IdealResponse));
        Assert.Null(learnerView.PendingChange);
        await using var data = await db.OpenUnfilteredAsync();
        Assert.Equal(2, await data.ScenarioVersions.CountAsync(v => (v.ScenarioId == a || v.ScenarioId == b) && v.Number == 1));
        Assert.Equal(3, await data.ScenarioPhases.CountAsync(p => p.ScenarioId == live));
        Assert.All(await data.Scenarios.Where(s => s.Id == a || s.Id == b).ToListAsync(), s => Assert.Equal(1, s.LiveVersion));
        Assert.Equal(2, (await AuditAsync(AuditAction.Publish)).Count(e => e.Summary.StartsWith("Published version 1 (bulk action")));
        var told = await data.Notifications.SingleAsync(n => n.UserId == org.ContentManager.Id && n.Kind == NotificationKind.Published
            && n.Title.StartsWith("Published: 3"));
        Assert.Equal("Published: 3 of your scenarios", told.Title);
    }

    [Fact]
    public async Task A_reviewer_cannot_bulk_publish_a_draft_nobody_submitted_and_nothing_is_written()
    {
        var submitted = await DraftAsync("Otter submitted");
        await Bulk(org.ContentManager, s => s.PublishAsync([submitted], null, default));
        var draft = await DraftAsync("Otter draft");
        var publishesBefore = (await AuditAsync(AuditAction.Publish)).Count;

        var result = await Bulk(org.Reviewer, s => s.PublishAsync([submitted, draft], null, default));

        Assert.True(result.Refused);
        var block = Assert.Single(result.Blocked);
        Assert.Equal((draft, "Otter draft"), (block.Id, block.Title));
        Assert.Contains("submitted it for review", block.Reason);
        Assert.Equal(ScenarioStatus.InReview, (await LoadAsync(submitted)).Status);
        Assert.Equal(publishesBefore, (await AuditAsync(AuditAction.Publish)).Count);
        // An Admin publishes a draft directly (the single action's rule), logged as without review.
        var admin = await Bulk(org.Admin, s => s.PublishAsync([submitted, draft], null, default));
        Assert.Equal(2, admin.Changed);
        Assert.Contains(await AuditAsync(AuditAction.Publish), e => e.SubjectId == draft.ToString() && e.Summary.Contains("without review"));
    }

    [Fact]
    public async Task The_whole_action_is_refused_with_every_blocking_row_when_one_is_a_library_scenario_or_not_the_callers()
    {
        await db.Services.SeedLibraryAsync();
        Scenario library;
        await using (var data = await db.OpenUnfilteredAsync())
            library = await data.Scenarios.FirstAsync(s => s.OrganisationId == org.Id && s.IsSystem);
        var other = await db.CreateOrganisationAsync("Elsewhere");
        var theirs = await As(other.ContentManager, s => s.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Their scenario")));
        var mine = await DraftAsync("Lynx mine");
        var auditBefore = (await AuditAsync(AuditAction.Update)).Count;

        var result = await Bulk(org.ContentManager, s => s.ChangeCategoryAsync([mine, library.Id, theirs], "Customer support", null, default));

        Assert.True(result.Refused);
        Assert.Equal(0, result.Changed);
        Assert.Equal([library.Id, theirs], result.Blocked.Select(b => b.Id).Order());
        Assert.Equal($"“{library.Title}”: library scenario, only Admins change it", result.Blocked.Single(b => b.Id == library.Id).ToString());
        Assert.Contains("not visible to you", result.Blocked.Single(b => b.Id == theirs).Reason);
        Assert.NotEqual("Customer support", (await LoadAsync(mine)).Category);
        Assert.Equal(auditBefore, (await AuditAsync(AuditAction.Update)).Count);

        // Roles that may not do the action at all are refused before any row is read.
        await Assert.ThrowsAsync<ForbiddenException>(() => Bulk(org.Learner, s => s.PublishAsync([mine], null, default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Bulk(org.Manager, s => s.ChangeCategoryAsync([mine], "Customer support", null, default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Bulk(org.ContentManager, s => s.ArchiveAsync([mine], null, default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Bulk(org.ContentManager, s => s.DeleteAsync([mine], null, default)));
        // The category is checked by the builder's rule.
        var invalid = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Bulk(org.ContentManager, s => s.ChangeCategoryAsync([mine], "x", null, default)));
        Assert.Equal(ScenarioValidator.CategoryRule, invalid.Errors["Category"].Single());
        // And by the organisation's list, as a save in the builder is.
        var unknown = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Bulk(org.ContentManager, s => s.ChangeCategoryAsync([mine], "Retention desk", null, default)));
        Assert.Equal(ScenarioStudio.Scenarios.Categories.CategoryService.NotInList, unknown.Errors["Category"].Single());
    }

    [Fact]
    public async Task Archiving_takes_scenarios_out_of_learners_search_and_unarchiving_brings_them_back_to_draft()
    {
        var (a, b) = (await PublishedAsync("Badger alpha"), await PublishedAsync("Badger beta"));
        var archived = await PublishedAsync("Badger gamma");
        await As(org.Reviewer, async s => { await s.Scenarios().Lifecycle.ArchiveAsync(archived); return 0; });
        Assert.Equal(2, (await SearchAsync(org.Learner, "badger")).Count);
        var reports = new List<int>();

        var result = await Bulk(org.Reviewer, s => s.ArchiveAsync([a, b, archived], new SyncProgress(reports), default));

        Assert.Equal((2, 1), (result.Changed, result.Skipped));
        Assert.Equal("2 scenarios archived; 1 skipped (already archived).", result.Summary);
        Assert.Equal([1, 3], reports);
        Assert.Empty(await SearchAsync(org.Learner, "badger"));
        Assert.Equal(2, (await AuditAsync(AuditAction.StatusChange)).Count(e => e.Summary == "Archived (bulk action on 2 scenarios)"));
        var archivedOnly = await As(org.Reviewer, s => s.Scenarios().Queries.SearchAsync(new ScenarioQuery("badger", Status: ScenarioStatus.Archived)));
        Assert.Equal(3, archivedOnly.Total);

        var back = await Bulk(org.ContentManager, s => s.UnarchiveAsync([a, b, archived], null, default));
        Assert.Equal(3, back.Changed);
        Assert.All([await LoadAsync(a), await LoadAsync(b), await LoadAsync(archived)], s => Assert.Equal(ScenarioStatus.Draft, s.Status));
    }

    [Fact]
    public async Task Category_visibility_and_tag_changes_edit_drafts_and_go_into_the_draft_changes_of_published_scenarios()
    {
        var draft = await DraftAsync("Gecko draft");
        var live = await PublishedAsync("Gecko live");
        var liveCategory = (await LoadAsync(live)).Category;

        var category = await Bulk(org.ContentManager, s => s.ChangeCategoryAsync([draft, live], " customer support ", null, default));
        Assert.Equal((2, 1), (category.Changed, category.InDraftChanges));
        Assert.Equal("Customer support", (await LoadAsync(draft)).Category);
        Assert.Equal(liveCategory, (await LoadAsync(live)).Category);
        var pending = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(live));
        Assert.Equal((DraftStatus.Draft, "Customer support"), (pending.PendingChange!.Value, pending.Document.Category));
        Assert.Equal(0, (await Bulk(org.ContentManager, s => s.ChangeCategoryAsync([draft, live], "Customer support", null, default))).Changed);

        var visibility = await Bulk(org.ContentManager, s => s.ChangeVisibilityAsync([draft], Visibility.Private, null, default));
        Assert.Equal(1, visibility.Changed);
        Assert.Equal(Visibility.Private, (await LoadAsync(draft)).Visibility);
        Assert.DoesNotContain("Gecko draft", await SearchAsync(org.Reviewer, "gecko"));
        var privateOnes = await As(org.ContentManager, s => s.Scenarios().Queries.SearchAsync(new ScenarioQuery("gecko", Visibility: Visibility.Private)));
        Assert.Equal(["Gecko draft"], privateOnes.Rows.Select(r => r.Title));

        var tagged = await Bulk(org.ContentManager, s => s.AddTagAsync([draft, live], "quarterly", null, default));
        Assert.Equal(2, tagged.Changed);
        Assert.Contains("quarterly", (await LoadAsync(draft)).Tags);
        Assert.Equal(["Gecko draft"], await SearchAsync(org.ContentManager, "quarterly"));
        Assert.Equal(1, (await Bulk(org.ContentManager, s => s.AddTagAsync([draft], "Quarterly", null, default))).Skipped);
        var untagged = await Bulk(org.ContentManager, s => s.RemoveTagAsync([draft, live], "QUARTERLY", null, default));
        Assert.Equal(2, untagged.Changed);
        Assert.Empty(await SearchAsync(org.ContentManager, "quarterly"));

        var updates = await AuditAsync(AuditAction.Update);
        Assert.Contains(updates, e => e.SubjectId == draft.ToString() && e.Changes.Any(c => c.Field == "Category" && c.After == "Customer support"));
        Assert.Contains(updates, e => e.SubjectId == live.ToString() && e.Summary.StartsWith("Changed the category in the draft changes"));
    }

    [Fact]
    public async Task Adding_a_tag_is_refused_for_a_scenario_that_would_have_more_tags_than_the_builder_allows()
    {
        var full = ScenarioSamples.Publishable("Crowded tags");
        full.Tags = Enumerable.Range(1, ScenarioValidator.MaxTags).Select(i => $"tag{i}").ToList();
        var crowded = await As(org.ContentManager, s => s.Scenarios().Commands.CreateAsync(full));
        var roomy = await DraftAsync("Roomy tags");

        var result = await Bulk(org.ContentManager, s => s.AddTagAsync([roomy, crowded], "extra", null, default));

        Assert.Equal(crowded, Assert.Single(result.Blocked).Id);
        Assert.DoesNotContain("extra", (await LoadAsync(roomy)).Tags);
    }

    [Fact]
    public async Task An_admin_deletes_many_at_once_with_an_audit_row_each_and_they_leave_search()
    {
        var (a, b, kept) = (await PublishedAsync("Ibis alpha"), await DraftAsync("Ibis beta"), await DraftAsync("Ibis kept"));

        var result = await Bulk(org.Admin, s => s.DeleteAsync([a, b], null, default));

        Assert.Equal("2 scenarios deleted.", result.Summary);
        Assert.Equal(["Ibis kept"], await SearchAsync(org.Admin, "ibis"));
        await using var data = await db.OpenUnfilteredAsync();
        Assert.False(await data.Scenarios.AnyAsync(s => s.Id == a || s.Id == b));
        Assert.Equal(0, await TestEngine.SearchRowsAsync(data, a, b));
        Assert.Equal(2, (await AuditAsync(AuditAction.Delete)).Count(e => e.SubjectId == a.ToString() || e.SubjectId == b.ToString()));
        Assert.True(await data.Scenarios.AnyAsync(s => s.Id == kept));
    }

    [Fact]
    public async Task All_that_match_resolves_every_readable_id_beyond_the_page_and_the_count_cap_of_the_list()
    {
        var ids = new List<int>();
        for (var i = 0; i < 30; i++) ids.Add(await DraftAsync($"Narwhal {i:00}"));
        await PublishedAsync("Narwhal live");
        await DraftAsync("Something else");

        var staff = await As(org.ContentManager, s => s.Scenarios().Queries.MatchingIdsAsync(new ScenarioFilter { Search = "narwhal" }));
        Assert.Equal(31, staff.Count);
        Assert.Superset(ids.ToHashSet(), staff.ToHashSet());
        var drafts = await As(org.ContentManager, s => s.Scenarios().Queries.MatchingIdsAsync(new ScenarioFilter { Status = ScenarioStatus.Draft }));
        Assert.Equal(31, drafts.Count);
        var learner = await As(org.Learner, s => s.Scenarios().Queries.MatchingIdsAsync(new ScenarioFilter { Search = "narwhal" }));
        Assert.Single(learner);
    }

    [Fact]
    public async Task Publishing_hundreds_in_one_action_reports_chunk_progress_and_writes_a_version_each()
    {
        var rows = int.TryParse(Environment.GetEnvironmentVariable("BULK_ROWS"), out var n) ? n : 300;
        var ids = await SeedDraftsAsync(rows);
        var reports = new List<int>();

        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await Bulk(org.Admin, s => s.PublishAsync(ids, new SyncProgress(reports), default));
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"bulk publish of {rows}: {clock.Elapsed.TotalSeconds:F2} s, {used.TotalSeconds:F2} s CPU");

        Assert.Equal(rows, result.Changed);
        Assert.Equal(rows, reports[^1]);
        Assert.True(reports.Count >= 2);
        await using var data = await db.OpenUnfilteredAsync();
        Assert.Equal(rows, await data.ScenarioVersions.CountAsync(v => v.Number == 1));
        Assert.Equal(rows, await data.Scenarios.CountAsync(s => s.Status == ScenarioStatus.Published && s.LiveVersion == 1));
        var learner = await As(org.Learner, s => s.Scenarios().Queries.MatchingIdsAsync(new ScenarioFilter { Search = "pangolin" }));
        Assert.Equal(rows, learner.Count);
    }

    /// <summary>Drafts written straight to the database (with their index rows): creating hundreds through the service takes long.</summary>
    private async Task<List<int>> SeedDraftsAsync(int count)
    {
        await using var data = await db.OpenUnfilteredAsync();
        var now = db.Clock.GetUtcNow();
        var scenarios = Enumerable.Range(0, count).Select(i =>
        {
            var s = new Scenario
            {
                OrganisationId = org.Id, CreatedById = org.ContentManager.Id, CreatedAt = now, UpdatedAt = now, Status = ScenarioStatus.Draft,
            };
            var doc = ScenarioSamples.Publishable($"Pangolin {i:0000}", phases: 6);
            doc.Phases.ForEach(p => p.ExpectedMinutes = 2);
            s.Apply(doc);
            return s;
        }).ToList();
        data.Scenarios.AddRange(scenarios);
        await data.SaveChangesAsync();
        foreach (var s in scenarios) await ScenarioSearchIndex.UpsertAsync(data, s, default);
        return scenarios.Select(s => s.Id).ToList();
    }

    /// <summary>Records reports as they are made (Progress&lt;T&gt; posts them later, to the synchronisation context).</summary>
    private sealed class SyncProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}

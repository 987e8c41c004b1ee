using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Notifications;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Versions, drafts beside published scenarios, the review workflow, history, diff and restore (issue 15).</summary>
public sealed class ScenarioVersionTests : OrganisationTestBase
{
    private async Task<T> As<T>(ApplicationUser user, Func<AsUser, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope);
    }

    private Task As(ApplicationUser user, Func<AsUser, Task> call) => As(user, async s => { await call(s); return 0; });

    /// <summary>A scenario written by the Content manager and approved by the Reviewer: version 1 is live.</summary>
    private async Task<int> PublishedAsync(string title = "Price objection")
    {
        var id = await As(org.ContentManager, s => s.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable(title)));
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id, "First cut"));
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));
        return id;
    }

    private async Task EditAsync(int id, Action<ScenarioDocument> change)
    {
        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id));
        var doc = details.Document;
        change(doc);
        await As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(id, doc, details.Visibility, details.Revision));
    }

    [Fact]
    public async Task Editing_a_published_scenario_makes_a_draft_beside_it_and_learners_keep_the_live_version_until_approval()
    {
        var id = await PublishedAsync();
        var v1Ideal = (await As(org.Learner, s => s.Scenarios().Queries.GetAsync(id))).Document.Phases[0].IdealResponse;

        await EditAsync(id, d => { d.Title = "Price objection, revised"; d.Phases[0].IdealResponse = "I hear you on price. Let me show the pilot."; });

        var editing = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id));
        Assert.Equal(DraftStatus.Draft, editing.PendingChange);
        Assert.Equal("Price objection, revised", editing.Document.Title);
        Assert.Equal(1, editing.LiveVersion);
        var learnerView = await As(org.Learner, s => s.Scenarios().Queries.GetAsync(id));
        Assert.Equal("Price objection", learnerView.Document.Title);
        Assert.Equal(v1Ideal, learnerView.Document.Phases[0].IdealResponse);
        var session = await As(org.Learner, s => s.Get<PracticeService>().StartAsync(id));
        await using (var data = await db.OpenUnfilteredAsync())
        {
            var started = await data.PracticeSessions.SingleAsync(s => s.Id == session);
            Assert.Equal(1, started.ScenarioVersion);
            Assert.Equal("Price objection", started.Snapshot.Title);
        }

        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id, "Warmer ideal response"));
        Assert.Equal("Price objection", (await As(org.Learner, s => s.Scenarios().Queries.GetAsync(id))).Document.Title);
        var published = await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));
        Assert.Equal(2, published);

        var after = await As(org.Learner, s => s.Scenarios().Queries.GetAsync(id));
        Assert.Equal("Price objection, revised", after.Document.Title);
        var second = await As(org.Learner, s => s.Get<PracticeService>().StartAsync(id));
        await using (var data = await db.OpenUnfilteredAsync())
            Assert.Equal(2, (await data.PracticeSessions.SingleAsync(s => s.Id == second)).ScenarioVersion);
        var history = await As(org.ContentManager, s => s.Get<ScenarioHistory>().ListAsync(id));
        Assert.Equal([2, 1], history.Versions.Select(v => v.Number));
        Assert.Equal("Warmer ideal response", history.Versions[0].ChangeNote);
        Assert.True(history.Versions[0].IsLive);
        Assert.Null(history.PendingChange);

        // A version is never rewritten.
        await using var context = await db.OpenUnfilteredAsync();
        var v1 = await context.ScenarioVersions.SingleAsync(v => v.ScenarioId == id && v.Number == 1);
        v1.ChangeNote = "Rewritten";
        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
    }

    [Fact]
    public async Task A_reviewer_requests_changes_with_a_required_comment_and_the_author_is_told()
    {
        var id = await PublishedAsync();
        await EditAsync(id, d => d.Description = "Now with a pilot offer.");
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id, "Pilot offer"));

        var queue = await As(org.Reviewer, s => s.Get<ScenarioHistory>().QueueAsync());
        var item = Assert.Single(queue);
        Assert.Equal((id, 1, "Pilot offer"), (item.ScenarioId, item.LiveVersion!.Value, item.Note));
        var diff = await As(org.Reviewer, s => s.Get<ScenarioHistory>().DiffAsync(id, VersionRef.Live, VersionRef.Editing));
        Assert.Equal("Description", Assert.Single(diff.Fields).Field);

        var empty = await Assert.ThrowsAsync<ValidationFailedException>(() => As(org.Reviewer, s => s.Scenarios().Lifecycle.RequestChangesAsync(id, " ")));
        Assert.Contains("Comment", empty.Errors.Keys);
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.RequestChangesAsync(id, "Say how long the pilot lasts."));

        Assert.Empty(await As(org.Reviewer, s => s.Get<ScenarioHistory>().QueueAsync()));
        Assert.Equal(DraftStatus.Draft, (await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id))).PendingChange);
        await using var data = await db.OpenUnfilteredAsync();
        var told = await data.Notifications.Where(n => n.UserId == org.ContentManager.Id && n.Kind == NotificationKind.ChangesRequested).SingleAsync();
        Assert.Contains("Say how long the pilot lasts.", told.Body);
        Assert.True(await data.Notifications.AnyAsync(n => n.UserId == org.Reviewer.Id && n.Kind == NotificationKind.ReviewRequested));
        var steps = (await As(org.ContentManager, s => s.Get<ScenarioHistory>().ListAsync(id))).Steps;
        Assert.Equal([ReviewEventKind.ChangesRequested, ReviewEventKind.Submitted], steps.Take(2).Select(s => s.Kind));
    }

    [Fact]
    public async Task Whoever_submitted_a_change_does_not_approve_it_unless_an_admin_of_an_organisation_that_allows_it()
    {
        var id = await As(org.Admin, s => s.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Admin's own")));
        await As(org.Admin, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        var details = await As(org.Admin, s => s.Scenarios().Queries.GetAsync(id));
        Assert.False(details.Actions.CanPublish);
        Assert.NotNull(details.Actions.ApprovalBlocked);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Admin, s => s.Scenarios().Lifecycle.PublishAsync(id)));
        Assert.Contains("another Reviewer", refused.Message);

        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Reviewer, s => s.Get<ReviewPolicy>().SetSelfApprovalAsync(true)));
        await As(org.Admin, s => s.Get<ReviewPolicy>().SetSelfApprovalAsync(true));
        Assert.True(await As(org.Admin, s => s.Get<ReviewPolicy>().AllowsSelfApprovalAsync()));
        Assert.Equal(1, await As(org.Admin, s => s.Scenarios().Lifecycle.PublishAsync(id)));
        await using var data = await db.OpenUnfilteredAsync();
        Assert.True(await data.AuditEntries.AnyAsync(a => a.Action == AuditAction.SettingsChange && a.Summary.StartsWith("Admins may now approve")));
    }

    [Fact]
    public async Task Roles_and_other_organisations_are_refused_the_review_and_history_paths()
    {
        var id = await PublishedAsync();
        await EditAsync(id, d => d.Description = "Changed");
        var other = await db.CreateOrganisationAsync("Other");

        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Reviewer, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id)));
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.ContentManager, s => s.Scenarios().Lifecycle.PublishAsync(id)));
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.ContentManager, s => s.Scenarios().Lifecycle.RequestChangesAsync(id, "no")));
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Manager, s => s.Scenarios().Lifecycle.PublishAsync(id)));
        foreach (var user in new[] { org.Learner, org.Manager })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => As(user, s => s.Get<ScenarioHistory>().ListAsync(id)));
            await Assert.ThrowsAsync<ForbiddenException>(() => As(user, s => s.Get<ScenarioHistory>().QueueAsync()));
            await Assert.ThrowsAsync<ForbiddenException>(() => As(user, s => s.Scenarios().Lifecycle.RestoreAsync(id, 1)));
        }
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Reviewer, s => s.Scenarios().Lifecycle.RestoreAsync(id, 1)));
        foreach (var outsider in new[] { other.Admin, other.Reviewer, other.ContentManager })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => As(outsider, s => s.Get<ScenarioHistory>().ListAsync(id)));
            await Assert.ThrowsAsync<ForbiddenException>(() => As(outsider, s => s.Get<ScenarioHistory>().DiffAsync(id, VersionRef.Of(1), VersionRef.Editing)));
            await Assert.ThrowsAsync<ForbiddenException>(() => As(outsider, s => s.Scenarios().Lifecycle.PublishAsync(id)));
            await Assert.ThrowsAsync<ForbiddenException>(() => As(outsider, s => s.Scenarios().Lifecycle.RestoreAsync(id, 1)));
        }
        Assert.Empty(await As(other.Reviewer, s => s.Get<ScenarioHistory>().QueueAsync()));
        Assert.Single(await As(org.Reviewer, s => s.Get<ScenarioHistory>().QueueAsync()));
    }

    [Fact]
    public async Task Restoring_a_version_makes_a_new_draft_and_leaves_the_live_version_alone()
    {
        var id = await PublishedAsync();
        await EditAsync(id, d => d.Title = "Second title");
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));

        await As(org.ContentManager, s => s.Scenarios().Lifecycle.RestoreAsync(id, 1));

        var editing = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id));
        Assert.Equal(("Price objection", DraftStatus.Draft, 2), (editing.Document.Title, editing.PendingChange!.Value, editing.LiveVersion!.Value));
        Assert.Equal("Second title", (await As(org.Learner, s => s.Scenarios().Queries.GetAsync(id))).Document.Title);
        var diff = await As(org.ContentManager, s => s.Get<ScenarioHistory>().DiffAsync(id, VersionRef.Of(1), VersionRef.Editing));
        Assert.True(diff.IsEmpty);
        await Assert.ThrowsAsync<ValidationFailedException>(() => As(org.ContentManager, s => s.Scenarios().Lifecycle.RestoreAsync(id, 9)));
    }

    [Fact]
    public async Task Phases_are_matched_by_key_so_a_moved_phase_shows_as_moved_and_an_added_one_as_added()
    {
        var id = await PublishedAsync();
        await EditAsync(id, d =>
        {
            (d.Phases[0], d.Phases[2]) = (d.Phases[2], d.Phases[0]);
            d.Phases[1].IdealResponse += " Shall we book the call?";
            d.Phases.Add(new Phase { Name = "Wrap-up", CustomerOpening = "Anything else?", IdealResponse = "Thanks for your time." });
        });

        var diff = await As(org.ContentManager, s => s.Get<ScenarioHistory>().DiffAsync(id, VersionRef.Live, VersionRef.Editing));
        var byName = diff.Phases.ToDictionary(p => p.Name);
        var first = ScenarioSamples.Publishable("x").Phases;
        Assert.True(byName[first[0].Name].Moved);
        Assert.Equal(ChangeKind.Moved, byName[first[0].Name].Kind);
        Assert.Equal(ChangeKind.Changed, byName[first[1].Name].Kind);
        var ideal = Assert.Single(byName[first[1].Name].Fields);
        Assert.Equal("Ideal response", ideal.Field);
        Assert.Contains(ideal.Pieces, p => p.Kind == PieceKind.Inserted && p.Text.Contains("book the call"));
        Assert.Equal(ChangeKind.Added, byName["Wrap-up"].Kind);
    }

    [Fact]
    public async Task Every_step_leaves_an_audit_row_and_a_refused_one_leaves_none()
    {
        var id = await PublishedAsync();
        async Task<List<AuditEntry>> AuditAsync()
        {
            await using var data = await db.OpenUnfilteredAsync();
            return await data.AuditEntries.Where(a => a.SubjectKind == "Scenario" && a.SubjectId == id.ToString()).OrderBy(a => a.Id).ToListAsync();
        }
        Assert.Equal([AuditAction.Create, AuditAction.Submit, AuditAction.Publish], (await AuditAsync()).Select(a => a.Action));

        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id));
        var bad = details.Document;
        bad.Title = new string('x', 300);
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(id, bad, details.Visibility, details.Revision)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => As(org.ContentManager, s => s.Scenarios().Lifecycle.RestoreAsync(id, 7)));
        Assert.Equal(3, (await AuditAsync()).Count);

        await EditAsync(id, d => d.Title = "Renamed");
        var update = (await AuditAsync()).Last();
        Assert.Equal((AuditAction.Update, org.ContentManager.Id), (update.Action, update.ActorId));
        var title = Assert.Single(update.Changes, c => c.Field == "Title");
        Assert.Equal(("Price objection", "Renamed"), (title.Before, title.After));
    }

    [Fact]
    public void A_changed_phrase_is_marked_as_one_run_on_each_side()
    {
        var pieces = ScenarioDiff.Words("We offer a two week pilot today.", "We offer a four month pilot today.");
        var after = ScenarioDiff.Side(pieces, before: false);
        Assert.Equal(["We offer a ", "four month", " pilot today."], after.Select(p => p.Text));
        Assert.Equal(PieceKind.Inserted, after[1].Kind);
        var before = ScenarioDiff.Side(pieces, before: true);
        Assert.Equal((PieceKind.Deleted, "two week"), (before[1].Kind, before[1].Text));
    }

    [Fact]
    public async Task A_try_out_of_a_draft_plays_the_draft_and_counts_nowhere_and_is_deleted_after_30_days()
    {
        var id = await PublishedAsync();
        await EditAsync(id, d => d.Phases[0].CustomerOpening = "Draft opening: your price went up again?");

        var tryOut = await As(org.ContentManager, s => s.Get<PracticeService>().StartTryOutAsync(id, VersionRef.Editing));
        var done = await As(org.ContentManager, s => s.Get<PracticeService>().CompleteAsync(tryOut, v => v.Scenario.Phases[v.PhaseIndex].IdealResponse));
        Assert.Equal("draft", done.TryOutOf);
        Assert.Equal("Draft opening: your price went up again?", done.Messages[0].Text);
        Assert.Equal(0, done.XpEarned);
        var counted = await As(org.Learner, s => s.Get<PracticeService>().StartTryOutAsync(id, VersionRef.Editing).ContinueWith(t => t.IsFaulted));
        Assert.True(counted); // learners do not try out drafts

        await using (var data = await db.OpenUnfilteredAsync())
            Assert.False(await data.CriterionResults.AnyAsync(r => r.SessionId == tryOut));
        var progress = await As(org.ContentManager, s => s.Get<ScenarioStudio.Progress.ProgressService>().GetMineAsync());
        Assert.Equal((0, 0), (progress.Xp, progress.CompletedSessions));
        var analytics = await As(org.ContentManager, s => s.Get<ScenarioStudio.Progress.ScenarioAnalyticsService>().GetAsync(id));
        Assert.Equal(0, analytics.Attempts);
        Assert.Empty(await As(org.ContentManager, s => s.Get<SessionHistory>().ListMineAsync()));

        db.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, await db.Services.GetRequiredService<TryOuts>().PruneAsync(CancellationToken.None));
        await using (var data = await db.OpenUnfilteredAsync())
            Assert.False(await data.PracticeSessions.AnyAsync(s => s.Id == tryOut));
    }

    [Fact]
    public async Task Analytics_filter_by_version_and_follow_a_phase_by_its_key_when_phases_move()
    {
        var id = await PublishedAsync();
        string Ideal(SessionView v) => v.Scenario.Phases[v.PhaseIndex].IdealResponse;
        var first = await As(org.Learner, s => s.Get<PracticeService>().StartAsync(id));
        await As(org.Learner, s => s.Get<PracticeService>().CompleteAsync(first, Ideal));

        // Version 2 moves the last phase to the front.
        await EditAsync(id, d => { var last = d.Phases[^1]; d.Phases.RemoveAt(d.Phases.Count - 1); d.Phases.Insert(0, last); });
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));
        var second = await As(org.Learner, s => s.Get<PracticeService>().StartAsync(id));
        await As(org.Learner, s => s.Get<PracticeService>().CompleteAsync(second, Ideal));
        var third = await As(org.Learner, s => s.Get<PracticeService>().StartAsync(id)); // stops in the first phase of version 2

        var all = await As(org.ContentManager, s => s.Get<ScenarioStudio.Progress.ScenarioAnalyticsService>().GetAsync(id));
        Assert.Equal(3, all.Attempts);
        Assert.Equal([2, 1], all.Versions);
        var live = ScenarioSamples.Publishable("x").Phases.Select(p => p.Name).ToList();
        Assert.Equal([live[^1], .. live[..^1]], all.Phases.Select(p => p.Name));
        // The moved phase was reached by every session of either version: by key, not by position.
        Assert.Equal(3, all.Phases[0].Reached);
        Assert.Equal(1, all.Phases[0].StoppedHere);
        Assert.Equal(2, all.Phases[1].Reached);

        var v1 = await As(org.ContentManager, s => s.Get<ScenarioStudio.Progress.ScenarioAnalyticsService>().GetAsync(id, 1));
        Assert.Equal((1, 1), (v1.Attempts, v1.Completed));
        Assert.Equal(live, v1.Phases.Select(p => p.Name));
        var v2 = await As(org.ContentManager, s => s.Get<ScenarioStudio.Progress.ScenarioAnalyticsService>().GetAsync(id, 2));
        Assert.Equal((2, 1), (v2.Attempts, v2.Completed));
    }

    [Fact]
    public async Task A_reviewer_sees_a_submitted_change_to_a_private_published_scenario_and_nothing_else_of_it()
    {
        var id = await As(org.ContentManager, s => s.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Own practice"), Visibility.Private));
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id));
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Reviewer, s => s.Scenarios().Queries.GetAsync(id)));

        await EditAsync(id, d => d.Description = "Changed");
        await As(org.ContentManager, s => s.Scenarios().Lifecycle.SubmitForReviewAsync(id));
        Assert.Equal(id, Assert.Single(await As(org.Reviewer, s => s.Get<ScenarioHistory>().QueueAsync())).ScenarioId);
        Assert.Equal(2, await As(org.Reviewer, s => s.Scenarios().Lifecycle.PublishAsync(id)));
        await Assert.ThrowsAsync<ForbiddenException>(() => As(org.Reviewer, s => s.Scenarios().Queries.GetAsync(id)));
    }
}

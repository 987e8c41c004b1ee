using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Comments;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class CommentServiceTests : PracticeTestBase
{
    [Fact]
    public async Task Staff_who_can_read_the_scenario_comment_and_learners_managers_and_other_organisations_are_refused()
    {
        var other = await Db.CreateOrganisationAsync("Globex");
        foreach (var role in new[] { OrgRole.Admin, OrgRole.ContentManager, OrgRole.Reviewer })
        {
            await using var asStaff = await Db.AsAsync(Org.Members[role]);
            var comments = asStaff.Get<CommentService>();
            await comments.AddAsync(ScenarioId, CommentAnchor.Scenario, $"Note from {role}");
            Assert.Contains(await comments.ListAsync(ScenarioId), t => t.Root.Body == $"Note from {role}");
        }
        foreach (var member in new[] { Org.Learner, Org.Manager, other.Admin, other.ContentManager })
        {
            await using var asMember = await Db.AsAsync(member);
            var comments = asMember.Get<CommentService>();
            Assert.False(await Refusals.ServedAsync(() => comments.AddAsync(ScenarioId, CommentAnchor.Scenario, "Hello")));
            Assert.False(await Refusals.ServedAsync(() => comments.ListAsync(ScenarioId)));
            Assert.Empty(await comments.OpenCountsAsync([ScenarioId]));
        }
        // Another organisation's Admin cannot reply to, resolve or delete a thread here either.
        long threadId;
        await using (var asReviewer = await Db.AsAsync(Org.Reviewer))
            threadId = (await asReviewer.Get<CommentService>().ListAsync(ScenarioId))[0].Root.Id;
        await using (var asForeign = await Db.AsAsync(other.Admin))
        {
            var comments = asForeign.Get<CommentService>();
            Assert.False(await Refusals.ServedAsync(() => comments.ReplyAsync(threadId, "Hi")));
            Assert.False(await Refusals.ServedAsync(() => comments.ResolveAsync(threadId)));
            Assert.False(await Refusals.ServedAsync(() => comments.DeleteAsync(threadId)));
        }
    }

    [Fact]
    public async Task A_private_draft_is_commented_on_only_by_those_who_can_read_it()
    {
        int draftId;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
            draftId = await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Private draft"), Visibility.Private);
        await using (var asReviewer = await Db.AsAsync(Org.Reviewer))
            await Assert.ThrowsAsync<ForbiddenException>(() => asReviewer.Get<CommentService>().AddAsync(draftId, CommentAnchor.Scenario, "Hi"));
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<CommentService>().AddAsync(draftId, CommentAnchor.Scenario, "Admins read every scenario");
    }

    [Fact]
    public async Task Threads_take_replies_are_anchored_to_a_phase_and_are_resolved_and_reopened()
    {
        long threadId, wholeId;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var comments = asCreator.Get<CommentService>();
            threadId = await comments.AddAsync(ScenarioId, new CommentAnchor(1, "IdealResponse"), "The ideal response is too long.");
            wholeId = await comments.AddAsync(ScenarioId, CommentAnchor.Scenario, "Overall fine.");
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => comments.AddAsync(ScenarioId, new CommentAnchor(5), "Phase six?"));
            Assert.Contains("PhaseIndex", refused.Errors.Keys);
            Assert.Contains("Body", (await Assert.ThrowsAsync<ValidationFailedException>(() =>
                comments.AddAsync(ScenarioId, CommentAnchor.Scenario, "   "))).Errors.Keys);
            Assert.Contains("Body", (await Assert.ThrowsAsync<ValidationFailedException>(() =>
                comments.AddAsync(ScenarioId, CommentAnchor.Scenario, new string('x', ScenarioComment.MaxBody + 1)))).Errors.Keys);
        }
        await using (var asReviewer = await Db.AsAsync(Org.Reviewer))
        {
            var comments = asReviewer.Get<CommentService>();
            var replyId = await comments.ReplyAsync(threadId, "Agreed, cut the second sentence.");
            await comments.ReplyAsync(replyId, "A reply to a reply joins the thread.");
            var thread = (await comments.ListAsync(ScenarioId)).Single(t => t.Root.Id == threadId);
            Assert.Equal(new CommentAnchor(1, "IdealResponse"), thread.Anchor);
            Assert.Equal(2, thread.Replies.Count);
            Assert.Equal("Reviewer of Acme", thread.Replies[0].AuthorName);
            Assert.Equal((2, 1), ((await comments.CountsAsync(ScenarioId)).Open, (await comments.CountsAsync(ScenarioId)).ForPhase(1)));

            // A reviewer resolves a thread they did not start, but edits and deletes only their own comments.
            await Assert.ThrowsAsync<ValidationFailedException>(() => comments.ResolveAsync(replyId));
            await comments.ResolveAsync(threadId);
            await Assert.ThrowsAsync<ForbiddenException>(() => comments.EditAsync(threadId, "Changed"));
            await Assert.ThrowsAsync<ForbiddenException>(() => comments.DeleteAsync(threadId));
            await comments.EditAsync(replyId, "Agreed: cut the second sentence.");
        }
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var comments = asCreator.Get<CommentService>();
            var threads = await comments.ListAsync(ScenarioId);
            Assert.Equal([wholeId, threadId], threads.Select(t => t.Root.Id)); // open threads first
            var resolved = threads[1];
            Assert.False(resolved.IsOpen);
            Assert.Equal("Reviewer of Acme", resolved.ResolvedByName);
            Assert.NotNull(resolved.Replies[0].EditedAt);
            Assert.Equal(1, (await comments.OpenCountsAsync([ScenarioId, 9999]))[ScenarioId]);

            await comments.ReopenAsync(threadId);
            Assert.Equal(2, (await comments.CountsAsync(ScenarioId)).Open);
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            // Admins delete anyone's comment; a thread goes with its replies.
            await asAdmin.Get<CommentService>().DeleteAsync(threadId);
            Assert.Equal([wholeId], (await asAdmin.Get<CommentService>().ListAsync(ScenarioId)).Select(t => t.Root.Id));
        }
        await using var context = await Db.OpenUnfilteredAsync();
        Assert.Equal(1, await context.ScenarioComments.CountAsync());
    }

    [Fact]
    public async Task Open_counts_for_a_page_of_the_list_take_one_query()
    {
        var ids = new List<int> { ScenarioId };
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            for (var i = 0; i < 4; i++) ids.Add(await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable($"Extra {i}")));
            var comments = asCreator.Get<CommentService>();
            for (var i = 0; i < ids.Count; i++)
                for (var n = 0; n <= i; n++) await comments.AddAsync(ids[i], CommentAnchor.Scenario, $"Comment {n}");
        }
        await using var asReviewer = await Db.AsAsync(Org.Reviewer);
        var service = asReviewer.Get<CommentService>();
        IReadOnlyDictionary<int, int> counts;
        using (var sql = Db.Sql.Capture())
        {
            counts = await service.OpenCountsAsync(ids);
            Assert.Single(sql.Commands, c => c.Contains("ScenarioComments"));
        }
        Assert.Equal([1, 2, 3, 4, 5], ids.Select(id => counts[id]));
    }

    [Fact]
    public async Task A_mentioned_member_who_can_read_the_scenario_is_notified_in_the_same_transaction()
    {
        var secondReviewer = await Db.AddMemberAsync(Org.Id, OrgRole.Reviewer, "Robin Reviewer");
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var comments = asCreator.Get<CommentService>();
            var offered = await comments.SuggestMentionsAsync("robin");
            Assert.Equal(["Robin Reviewer"], offered.Select(m => m.Name));
            Assert.DoesNotContain(await comments.SuggestMentionsAsync(""), m => m.Role is OrgRole.Learner or OrgRole.Manager);

            // A learner, and a member of another organisation, are not notified even if their token is typed by hand.
            var other = await Db.CreateOrganisationAsync("Globex");
            var body = $"Could {Mentions.TokenFor(secondReviewer.Id, "Robin Reviewer")} check the tone? " +
                $"{Mentions.TokenFor(Org.Learner.Id, "Learner")} {Mentions.TokenFor(other.Reviewer.Id, "Spy")}";
            var threadId = await comments.AddAsync(ScenarioId, new CommentAnchor(0), body);

            await using var asRobin = await Db.AsAsync(secondReviewer);
            var note = Assert.Single((await asRobin.Get<NotificationService>().LatestAsync()).Latest);
            Assert.Equal(NotificationKind.Mentioned, note.Kind);
            Assert.Equal("ContentManager of Acme mentioned you on Trial pack objection", note.Title);
            Assert.Equal($"/scenarios/{ScenarioId}?comments={threadId}", note.Link);
            Assert.StartsWith("Could @Robin Reviewer check the tone?", note.Body);

            // Editing notifies only members mentioned for the first time.
            await comments.EditAsync(threadId, body + " " + Mentions.TokenFor(Org.Admin.Id, "Admin of Acme"));
            Assert.Equal(1, await asRobin.Get<NotificationService>().UnreadCountAsync());
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            Assert.Equal(NotificationKind.Mentioned, Assert.Single((await asAdmin.Get<NotificationService>().LatestAsync()).Latest).Kind);
        await using (var asLearner = await Db.AsAsync(Org.Learner))
            Assert.Equal(0, await asLearner.Get<NotificationService>().UnreadCountAsync());
    }

    [Fact]
    public void Comment_markdown_is_sanitised_and_mentions_are_highlighted_without_markup()
    {
        var renderer = new MarkdownRenderer();
        var html = Mentions.ToHtml(renderer,
            "**Bold** <script>alert(1)</script> [x](javascript:alert(2)) @[Ada <b>Lovelace</b>](user-1) \uE0000\uE001 <img src=x onerror=alert(3)>");
        Assert.Contains("<strong>Bold</strong>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("<span class=\"mention\">@Ada &lt;b&gt;Lovelace&lt;/b&gt;</span>", html);
        // A forged placeholder typed by the author renders nothing special.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"mention\""));
        Assert.Equal([new Mention("user-1", "Ada <b>Lovelace</b>")], Mentions.Find("@[Ada <b>Lovelace</b>](user-1)"));
    }

    [Fact]
    public async Task A_phase_thread_follows_its_phase_when_phases_move_in_the_draft_and_loses_it_when_the_phase_is_removed()
    {
        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var comments = asCreator.Get<CommentService>();
        await comments.AddAsync(ScenarioId, new CommentAnchor(1), "The second phase needs a price.");
        Assert.Equal(1, (await comments.CountsAsync(ScenarioId)).ForPhase(1));

        // The published scenario's draft moves that phase to the front: the thread goes with it.
        var details = await asCreator.Get<ScenarioQueries>().GetAsync(ScenarioId);
        var doc = details.Document;
        (doc.Phases[0], doc.Phases[1]) = (doc.Phases[1], doc.Phases[0]);
        var revision = await asCreator.Get<ScenarioCommands>().UpdateAsync(ScenarioId, doc, details.Visibility, details.Revision);
        Assert.Equal(0, Assert.Single(await comments.ListAsync(ScenarioId)).Anchor.PhaseIndex);
        var counts = await comments.CountsAsync(ScenarioId);
        Assert.Equal((1, 0), (counts.ForPhase(0), counts.ForPhase(1)));

        // Replaced by another phase in the draft, the thread stays open, about the scenario as a whole.
        doc.Phases[0] = new Phase
        {
            Name = "Replacement", CustomerOpening = "Hello?", IdealResponse = "Hello.", ExpectedMinutes = doc.Phases[0].ExpectedMinutes,
        };
        await asCreator.Get<ScenarioCommands>().UpdateAsync(ScenarioId, doc, details.Visibility, revision);
        Assert.Null(Assert.Single(await comments.ListAsync(ScenarioId)).Anchor.PhaseIndex);
        Assert.Equal(1, (await comments.CountsAsync(ScenarioId)).Open);
    }

    [Fact]
    public async Task A_thread_points_at_a_field_the_builder_names_on_the_scenario_or_on_a_phase()
    {
        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var comments = asCreator.Get<CommentService>();
        await comments.AddAsync(ScenarioId, new CommentAnchor(null, "Rubric"), "Weights look off.");
        await comments.AddAsync(ScenarioId, new CommentAnchor(0, "CustomerOpening"), "Too polite for this persona.");
        Assert.Equal(["CustomerOpening", "Rubric"], (await comments.ListAsync(ScenarioId)).Select(t => t.Anchor.Field).Order());
        Assert.Equal("Customer opening", CommentFields.Label("CustomerOpening"));
        foreach (var wrong in new[] { new CommentAnchor(null, "IdealResponse"), new CommentAnchor(0, "Rubric"), new CommentAnchor(0, "<script>") })
            Assert.Contains("Field", (await Assert.ThrowsAsync<ValidationFailedException>(() => comments.AddAsync(ScenarioId, wrong, "x"))).Errors.Keys);
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Coaching;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Coaching;

public sealed class CoachingServiceTests : PracticeTestBase
{
    private Guid sessionId;
    private long answerId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", Org.Manager.Id, [Org.Learner.Id]));
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var done = await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        sessionId = done.Id;
        answerId = done.Messages.First(m => m.Kind == MessageKind.Answer).Id;
    }

    [Fact]
    public async Task The_learners_manager_leaves_notes_and_marks_the_session_reviewed_and_the_learner_reads_them()
    {
        await using (var asManager = await Db.AsAsync(Org.Manager))
        {
            var coaching = asManager.Get<CoachingService>();
            var before = await coaching.UnreviewedAsync();
            Assert.Equal(1, before.Count);
            Assert.Equal((sessionId, "Learner of Acme"), (before.Latest[0].SessionId, before.Latest[0].Learner));

            await coaching.AddNoteAsync(sessionId, null, "Good **structure**. Ask about the campaign sooner.");
            var onMessage = await coaching.AddNoteAsync(sessionId, answerId, "Try *naming* the pilot's price here.");
            await coaching.EditNoteAsync(onMessage, "Name the pilot's price here.");
            await coaching.MarkReviewedAsync(sessionId);
            await coaching.MarkReviewedAsync(sessionId); // twice keeps one review

            var view = await coaching.GetAsync(sessionId);
            Assert.True(view.CanCoach);
            Assert.Equal("Manager of Acme", view.ReviewedBy);
            Assert.Equal(0, (await coaching.UnreviewedAsync()).Count);
            var edited = Assert.Single(view.OnMessage(answerId));
            Assert.Equal(("Name the pilot's price here.", true), (edited.Text, edited.EditedAt is not null));
        }

        await using var asLearner = await Db.AsAsync(Org.Learner);
        var mine = await asLearner.Get<CoachingService>().GetAsync(sessionId);
        Assert.False(mine.CanCoach);
        Assert.Equal("Good **structure**. Ask about the campaign sooner.", Assert.Single(mine.OnSession).Text);
        Assert.Equal("Name the pilot's price here.", Assert.Single(mine.OnMessage(answerId)).Text);
        Assert.All(mine.Notes, n => Assert.False(n.IsMine));
        Assert.Equal(("Manager of Acme", Db.Clock.GetUtcNow()), (mine.ReviewedBy, mine.ReviewedAt));
        // Notified once per note, with a link to the transcript.
        var notifications = (await asLearner.Get<NotificationService>().LatestAsync()).Latest.Where(n => n.Kind == NotificationKind.CoachingNote).ToList();
        Assert.Equal(2, notifications.Count);
        Assert.All(notifications, n => Assert.Equal($"/practice/{sessionId}", n.Link));
        // The learner writes no notes and marks nothing.
        await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<CoachingService>().AddNoteAsync(sessionId, null, "Self praise"));
        await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<CoachingService>().MarkReviewedAsync(sessionId));
    }

    [Fact]
    public async Task Notes_are_checked_and_only_their_author_changes_them()
    {
        var admin = Org.Admin;
        await using var asManager = await Db.AsAsync(Org.Manager);
        var coaching = asManager.Get<CoachingService>();
        var empty = await Assert.ThrowsAsync<ValidationFailedException>(() => coaching.AddNoteAsync(sessionId, null, "   "));
        Assert.True(empty.Errors.ContainsKey("Text"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => coaching.AddNoteAsync(sessionId, null, new string('x', CoachingService.MaxNoteLength + 1)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => coaching.AddNoteAsync(sessionId, answerId + 10_000, "Not in this session"));
        var note = await coaching.AddNoteAsync(sessionId, null, "Mine");

        // The Admin follows everyone and may coach, but not change the manager's note.
        await using var asAdmin = await Db.AsAsync(admin);
        var theirs = asAdmin.Get<CoachingService>();
        await theirs.AddNoteAsync(sessionId, null, "Agreed.");
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.EditNoteAsync(note, "Changed"));
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.DeleteNoteAsync(note));
        await coaching.DeleteNoteAsync(note);
        Assert.Equal(["Agreed."], (await coaching.GetAsync(sessionId)).Notes.Select(n => n.Text));
    }

    [Fact]
    public async Task Script_in_a_note_is_neutralised_when_rendered()
    {
        await using (var asManager = await Db.AsAsync(Org.Manager))
            await asManager.Get<CoachingService>().AddNoteAsync(sessionId, null,
                "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> **well done**");
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var text = Assert.Single((await asLearner.Get<CoachingService>().GetAsync(sessionId)).Notes).Text;
        var html = asLearner.Get<MarkdownRenderer>().ToHtml(text);
        Assert.Contains("<strong>well done</strong>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_teams_manager_other_learners_and_other_organisations_see_nothing()
    {
        var otherManager = await Db.AddMemberAsync(Org.Id, OrgRole.Manager, "Other manager");
        var otherLearner = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Other learner");
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Support desk", otherManager.Id, [otherLearner.Id]));
        Guid note;
        await using (var asManager = await Db.AsAsync(Org.Manager))
            note = await asManager.Get<CoachingService>().AddNoteAsync(sessionId, answerId, "Private to the learner");

        await using (var asOther = await Db.AsAsync(otherManager))
        {
            var coaching = asOther.Get<CoachingService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.GetAsync(sessionId));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.AddNoteAsync(sessionId, null, "Not my team"));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.MarkReviewedAsync(sessionId));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.EditNoteAsync(note, "Hijack"));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.DeleteNoteAsync(note));
            Assert.Equal(0, (await coaching.UnreviewedAsync()).Count);
        }
        await using (var asOtherLearner = await Db.AsAsync(otherLearner))
            await Assert.ThrowsAsync<ForbiddenException>(() => asOtherLearner.Get<CoachingService>().GetAsync(sessionId));
        // Content managers and reviewers do not follow learners.
        foreach (var role in new[] { OrgRole.ContentManager, OrgRole.Reviewer })
        {
            await using var scope = await Db.AsAsync(Org.Members[role]);
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<CoachingService>().GetAsync(sessionId));
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<CoachingService>().UnreviewedAsync());
        }

        var globex = await Db.CreateOrganisationAsync("Globex");
        foreach (var outsider in new[] { globex.Admin, globex.Manager, globex.Learner })
        {
            await using var scope = await Db.AsAsync(outsider);
            var coaching = scope.Get<CoachingService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.GetAsync(sessionId));
            if (outsider.Role == OrgRole.Learner) continue;
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.AddNoteAsync(sessionId, null, "Across organisations"));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.EditNoteAsync(note, "Across organisations"));
            await Assert.ThrowsAsync<ForbiddenException>(() => coaching.MarkReviewedAsync(sessionId));
            Assert.Equal(0, (await coaching.UnreviewedAsync()).Count);
        }
        await using var context = await Db.OpenUnfilteredAsync();
        Assert.Equal("Private to the learner", (await context.CoachingNotes.SingleAsync()).Text);
        Assert.False(await context.SessionReviews.AnyAsync());
    }

    [Fact]
    public async Task The_dashboard_asks_only_for_recent_finished_sessions_and_a_manager_does_not_coach_themselves()
    {
        // An unfinished session waits for nothing.
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var open = await asLearner.Get<PracticeService>().StartAsync(ScenarioId);
            await using var asManager = await Db.AsAsync(Org.Manager);
            await Assert.ThrowsAsync<ValidationFailedException>(() => asManager.Get<CoachingService>().MarkReviewedAsync(open));
            Assert.Equal(1, (await asManager.Get<CoachingService>().UnreviewedAsync()).Count);
        }
        Db.Clock.Advance(TimeSpan.FromDays(CoachingService.ReviewWindowDays + 1));
        await using (var asManager = await Db.AsAsync(Org.Manager))
            Assert.Equal(0, (await asManager.Get<CoachingService>().UnreviewedAsync()).Count);

        // The Admin's own session is not theirs to coach.
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        var practice = asAdmin.Get<PracticeService>();
        var own = (await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse)).Id;
        await Assert.ThrowsAsync<ForbiddenException>(() => asAdmin.Get<CoachingService>().AddNoteAsync(own, null, "Self"));
        Assert.False((await asAdmin.Get<CoachingService>().GetAsync(own)).CanCoach);
    }
}

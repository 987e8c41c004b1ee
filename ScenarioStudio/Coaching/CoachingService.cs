using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Coaching;

public sealed record CoachingNoteView(Guid Id, long? MessageId, string AuthorName, string Text, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt,
    bool IsMine);

/// <summary>The coaching on one session: its notes, whether it was reviewed, and whether the caller may coach it.</summary>
public sealed record CoachingView(Guid SessionId, bool CanCoach, IReadOnlyList<CoachingNoteView> Notes, string? ReviewedBy, DateTimeOffset? ReviewedAt)
{
    public IEnumerable<CoachingNoteView> OnSession => Notes.Where(n => n.MessageId is null);

    public IEnumerable<CoachingNoteView> OnMessage(long messageId) => Notes.Where(n => n.MessageId == messageId);
}

public sealed record UnreviewedSession(Guid SessionId, string LearnerId, string Learner, string Scenario, DateTimeOffset CompletedAt, int? Score);

/// <summary>How many sessions of the last <see cref="CoachingService.ReviewWindowDays"/> days wait for a review, and the latest of them.</summary>
public sealed record UnreviewedSummary(int Count, IReadOnlyList<UnreviewedSession> Latest);

/// <summary>
/// Managers' coaching on their learners' transcripts: notes on a session or on one of its messages (Markdown, shown
/// sanitised), and marking a session reviewed. A manager coaches the people they follow (<see cref="TeamScope"/>);
/// a learner reads the notes on their own sessions and is notified of each new one.
/// </summary>
public sealed class CoachingService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, Notifier notifier)
{
    public const int MaxNoteLength = 2000;
    /// <summary>The dashboard asks for reviews of the sessions completed this recently: older ones are history, not a to-do.</summary>
    public const int ReviewWindowDays = 14;
    private const string NotVisible = "This practice session does not exist or is not yours.";

    /// <summary>The notes and review of a session, for its learner or for someone who follows them.</summary>
    public async Task<CoachingView> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var session = await SessionAsync(db, sessionId, ct);
        var coach = session.UserId != caller.UserId;
        if (coach && !(caller.Can(Permission.ViewTeamProgress) && await db.FollowsAsync(caller, session.UserId, ct)))
            throw new ForbiddenException(NotVisible);
        var notes = await db.CoachingNotes.AsNoTracking().Where(n => n.SessionId == sessionId).OrderBy(n => n.CreatedAt)
            .Select(n => new CoachingNoteView(n.Id, n.MessageId, n.AuthorName, n.Text, n.CreatedAt, n.EditedAt, n.AuthorId == caller.UserId))
            .ToListAsync(ct);
        var review = await db.SessionReviews.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == sessionId, ct);
        return new CoachingView(sessionId, coach && !session.IsTryOut, notes, review?.ReviewedByName, review?.ReviewedAt);
    }

    /// <summary>A note on the session, or on one of its messages; the learner is notified.</summary>
    public async Task<Guid> AddNoteAsync(Guid sessionId, long? messageId, string? text, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        var body = Check(text);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = await CoachableAsync(db, caller, sessionId, ct);
        if (messageId is { } m && !await db.PracticeMessages.AnyAsync(x => x.Id == m && x.SessionId == sessionId, ct))
            throw new ValidationFailedException("Message", "That message is not part of this session.");
        var note = new CoachingNote
        {
            OrganisationId = caller.OrganisationId, SessionId = sessionId, MessageId = messageId, AuthorId = caller.UserId,
            AuthorName = caller.DisplayName.Shorten(100), Text = body, CreatedAt = clock.GetUtcNow(),
        };
        db.CoachingNotes.Add(note);
        notifier.Add(db, caller.OrganisationId, [session.UserId], NotificationKind.CoachingNote,
            $"{caller.DisplayName} left a coaching note on “{session.ScenarioTitle}”", body, $"/practice/{sessionId}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifier.Announce();
        return note.Id;
    }

    /// <summary>Changes a note; only its author may, while they still follow the learner.</summary>
    public async Task EditNoteAsync(Guid noteId, string? text, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        var body = Check(text);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var note = await OwnNoteAsync(db, caller, noteId, ct);
        (note.Text, note.EditedAt) = (body, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes a note; only its author may.</summary>
    public async Task DeleteNoteAsync(Guid noteId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        db.CoachingNotes.Remove(await OwnNoteAsync(db, caller, noteId, ct));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Marks a completed session reviewed by the caller (or clears the mark); marking twice keeps the first review.</summary>
    public async Task MarkReviewedAsync(Guid sessionId, bool reviewed = true, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var session = await CoachableAsync(db, caller, sessionId, ct);
        if (session.CompletedAt is null) throw new ValidationFailedException("Session", "The learner has not finished this session yet.");
        var existing = await db.SessionReviews.SingleOrDefaultAsync(r => r.SessionId == sessionId, ct);
        if (reviewed && existing is null)
            db.SessionReviews.Add(new SessionReview
            {
                SessionId = sessionId, OrganisationId = caller.OrganisationId, ReviewedById = caller.UserId,
                ReviewedByName = caller.DisplayName.Shorten(100), ReviewedAt = clock.GetUtcNow(),
            });
        else if (!reviewed && existing is not null) db.SessionReviews.Remove(existing);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Completed sessions of the learners the caller follows, from the last two weeks, that nobody has marked reviewed.</summary>
    public async Task<UnreviewedSummary> UnreviewedAsync(int take = 10, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var since = clock.GetUtcNow().AddDays(-ReviewWindowDays);
        var trainees = db.TraineesFollowedBy(caller);
        var waiting = db.PracticeSessions.Where(s => trainees.Contains(s.UserId) && s.UserId != caller.UserId && !s.IsTryOut
            && s.CompletedAt != null && s.CompletedAt >= since && !db.SessionReviews.Any(r => r.SessionId == s.Id));
        var count = await waiting.CountAsync(ct);
        var latest = await waiting.OrderByDescending(s => s.CompletedAt).Take(Math.Clamp(take, 1, 100))
            .Select(s => new UnreviewedSession(s.Id, s.UserId, db.Users.Where(u => u.Id == s.UserId).Select(u => u.DisplayName).Single(),
                s.ScenarioTitle, s.CompletedAt!.Value, s.OverallScore))
            .ToListAsync(ct);
        return new UnreviewedSummary(count, latest);
    }

    private static string Check(string? text)
    {
        var body = (text ?? "").Trim();
        if (body.Length == 0) throw new ValidationFailedException("Text", "Write the note first.");
        if (body.Length > MaxNoteLength) throw new ValidationFailedException("Text", $"Keep the note under {MaxNoteLength} characters.");
        return body;
    }

    private static async Task<SessionFacts> SessionAsync(AppDbContext db, Guid sessionId, CancellationToken ct) =>
        await db.PracticeSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new SessionFacts(s.UserId, s.ScenarioTitle, s.CompletedAt, s.IsTryOut)).SingleOrDefaultAsync(ct)
        ?? throw new ForbiddenException(NotVisible);

    /// <summary>A counted session of someone the caller follows, not the caller's own.</summary>
    private static async Task<SessionFacts> CoachableAsync(AppDbContext db, Caller caller, Guid sessionId, CancellationToken ct)
    {
        var session = await SessionAsync(db, sessionId, ct);
        if (session.UserId == caller.UserId) throw new ForbiddenException("Coaching notes are for the learners you follow, not your own sessions.");
        if (!await db.FollowsAsync(caller, session.UserId, ct)) throw new ForbiddenException(NotVisible);
        if (session.IsTryOut) throw new ForbiddenException("Try-outs are not coached: they are the authors' checks of a scenario.");
        return session;
    }

    private static async Task<CoachingNote> OwnNoteAsync(AppDbContext db, Caller caller, Guid noteId, CancellationToken ct)
    {
        var note = await db.CoachingNotes.SingleOrDefaultAsync(n => n.Id == noteId, ct)
            ?? throw new ForbiddenException("This note does not exist or is not yours.");
        if (note.AuthorId != caller.UserId) throw new ForbiddenException("Only the note's author changes or removes it.");
        var learner = await db.PracticeSessions.Where(s => s.Id == note.SessionId).Select(s => s.UserId).SingleAsync(ct);
        if (!await db.FollowsAsync(caller, learner, ct)) throw new ForbiddenException("You no longer follow this learner.");
        return note;
    }

    private sealed record SessionFacts(string UserId, string ScenarioTitle, DateTimeOffset? CompletedAt, bool IsTryOut);
}

public static class CoachingExtensions
{
    /// <summary>Managers' coaching notes and session reviews.</summary>
    public static IHostApplicationBuilder AddCoaching(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CoachingService>();
        return builder;
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Comments;

/// <summary>Where a new thread points: the whole scenario (both null), a phase, or a field of a phase or of the scenario.</summary>
public sealed record CommentAnchor(int? PhaseIndex = null, string? Field = null)
{
    public static readonly CommentAnchor Scenario = new();
}

public sealed record CommentView(long Id, string AuthorId, string AuthorName, string Body, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt,
    bool CanEdit, bool CanDelete);

public sealed record CommentThread(CommentView Root, CommentAnchor Anchor, IReadOnlyList<CommentView> Replies, DateTimeOffset? ResolvedAt,
    string? ResolvedByName, bool CanResolve)
{
    public bool IsOpen => ResolvedAt is null;
}

/// <summary>The open threads of one scenario: in all, and per phase.</summary>
public sealed record CommentCounts(int Open, IReadOnlyDictionary<int, int> ByPhase)
{
    public static readonly CommentCounts None = new(0, new Dictionary<int, int>());
    public int ForPhase(int index) => ByPhase.GetValueOrDefault(index);
}

/// <summary>A member the composer offers after "@": staff who may comment.</summary>
public sealed record MentionCandidate(string Id, string Name, OrgRole Role);

/// <summary>
/// Threaded comments on a scenario, for the staff who can read it (<see cref="Permission.CommentOnScenario"/> and
/// <see cref="ScenarioAccess.ReadableBy"/>). Mentioned members who can read the scenario are notified in the same
/// transaction as the comment.
/// </summary>
public sealed class CommentService(CurrentUser currentUser, TenantDb tenantDb, Notifier notifier, TimeProvider clock)
{
    public const int MaxMentionSuggestions = 8;

    public async Task<IReadOnlyList<CommentThread>> ListAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var phases = await PhasesAsync(db, await db.LoadReadableAsync(caller, scenarioId, ct), ct);
        var rows = await db.Set<ScenarioComment>().AsNoTracking().Where(c => c.ScenarioId == scenarioId).OrderBy(c => c.Id)
            .Select(c => new
            {
                Comment = c,
                Author = db.Users.Where(u => u.Id == c.AuthorId).Select(u => u.DisplayName).FirstOrDefault(),
                Resolver = db.Users.Where(u => u.Id == c.ResolvedById).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        CommentView View(ScenarioComment c, string? author) => new(c.Id, c.AuthorId, author ?? "Former member", c.Body, c.CreatedAt, c.EditedAt,
            CanEdit: c.AuthorId == caller.UserId, CanDelete: c.AuthorId == caller.UserId || caller.Can(Permission.ModerateComments));
        var replies = rows.Where(r => r.Comment.ParentId is not null).ToLookup(r => r.Comment.ParentId!.Value);
        return rows.Where(r => r.Comment.ParentId is null)
            .Select(r => new CommentThread(View(r.Comment, r.Author), new CommentAnchor(phases.IndexOf(r.Comment), r.Comment.Field),
                replies[r.Comment.Id].Select(x => View(x.Comment, x.Author)).ToList(), r.Comment.ResolvedAt, r.Resolver,
                CanResolve(caller, r.Comment)))
            // Open threads first, newest activity first within each group.
            .OrderBy(t => t.ResolvedAt is not null).ThenByDescending(t => t.Replies.Count > 0 ? t.Replies[^1].Id : t.Root.Id)
            .ToList();
    }

    /// <summary>Open threads of one scenario, in all and per phase, for the builder's Comments button and phase icons.</summary>
    public async Task<CommentCounts> CountsAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var phases = await PhasesAsync(db, await db.LoadReadableAsync(caller, scenarioId, ct), ct);
        var open = await OpenThreads(db, caller).Where(c => c.ScenarioId == scenarioId)
            .GroupBy(c => new { c.PhaseKey, c.PhaseIndex }).Select(g => new { g.Key.PhaseKey, g.Key.PhaseIndex, Count = g.Count() }).ToListAsync(ct);
        var byPhase = open.Select(g => (Index: phases.IndexOf(g.PhaseKey, g.PhaseIndex), g.Count)).Where(g => g.Index is not null)
            .GroupBy(g => g.Index!.Value).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        return new CommentCounts(open.Sum(g => g.Count), byPhase);
    }

    /// <summary>
    /// Open threads per scenario for a page of the list, in one query; empty for roles that do not comment. Ids the
    /// caller cannot read count nothing.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, int>> OpenCountsAsync(IReadOnlyCollection<int> scenarioIds, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        if (!caller.Can(Permission.CommentOnScenario) || scenarioIds.Count == 0) return new Dictionary<int, int>();
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var ids = scenarioIds.Distinct().ToList();
        var readable = db.Scenarios.ReadableBy(caller).Where(s => ids.Contains(s.Id)).Select(s => s.Id);
        return await OpenThreads(db, caller).Where(c => ids.Contains(c.ScenarioId) && readable.Contains(c.ScenarioId))
            .GroupBy(c => c.ScenarioId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    /// <summary>Starts a thread on the scenario or on one of its phases or fields.</summary>
    public async Task<long> AddAsync(int scenarioId, CommentAnchor anchor, string body, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.LoadReadableAsync(caller, scenarioId, ct);
        var errors = new FieldErrors();
        var text = CheckBody(body, errors);
        var phases = await PhasesAsync(db, scenario, ct);
        if (anchor.PhaseIndex is { } phase && (phase < 0 || phase >= phases.Keys.Count))
            errors.Add(nameof(anchor.PhaseIndex), "Choose one of the scenario's phases.");
        var field = string.IsNullOrWhiteSpace(anchor.Field) ? null : anchor.Field.Trim();
        if (field is not null && !CommentFields.IsKnown(field, phase: anchor.PhaseIndex is not null))
            errors.Add(nameof(anchor.Field),
                anchor.PhaseIndex is null ? "Point the comment at a field of the scenario." : "Point the comment at a field of the phase.");
        errors.ThrowIfAny();
        var comment = new ScenarioComment
        {
            OrganisationId = caller.OrganisationId, ScenarioId = scenarioId, PhaseIndex = anchor.PhaseIndex, Field = field,
            PhaseKey = anchor.PhaseIndex is { } at && phases.Keys[at].Length > 0 ? phases.Keys[at] : null,
            AuthorId = caller.UserId, Body = text, CreatedAt = clock.GetUtcNow(),
        };
        // One transaction: the thread is saved first so the notifications can link to it, and both commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(comment);
        await db.SaveChangesAsync(ct);
        await NotifyMentionsAsync(db, caller, scenario, text, [], comment, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Announce();
        return comment.Id;
    }

    /// <summary>The phase keys of the content being edited (the draft beside a published scenario, or the scenario), in order.</summary>
    private static async Task<PhaseKeys> PhasesAsync(AppDbContext db, Scenario scenario, CancellationToken ct)
    {
        var draft = await db.ScenarioDrafts.AsNoTracking().Where(d => d.ScenarioId == scenario.Id).Select(d => d.Document).SingleOrDefaultAsync(ct);
        var phases = draft?.Phases ?? scenario.Phases.OrderBy(p => p.Order).Select(p => p.Content).ToList();
        return new PhaseKeys(phases.Select(p => p.Key).ToList());
    }

    /// <summary>Where a thread's phase is now: found by its key; a thread written before phases had keys keeps its position.</summary>
    private sealed record PhaseKeys(IReadOnlyList<string> Keys)
    {
        public int? IndexOf(ScenarioComment c) => IndexOf(c.PhaseKey, c.PhaseIndex);

        /// <summary>The phase's position now; null when the thread is about the whole scenario or its phase was removed.</summary>
        public int? IndexOf(string? key, int? index) => key is not null
            ? Keys.ToList().IndexOf(key) is >= 0 and var at ? at : null
            : index is { } i && i < Keys.Count ? i : null;
    }

    public async Task<long> ReplyAsync(long threadId, string body, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var thread = await FindAsync(db, threadId, ct);
        if (thread.ParentId is { } parent) thread = await FindAsync(db, parent, ct); // a reply to a reply joins its thread
        var scenario = await db.LoadReadableAsync(caller, thread.ScenarioId, ct);
        var errors = new FieldErrors();
        var text = CheckBody(body, errors);
        errors.ThrowIfAny();
        var reply = new ScenarioComment
        {
            OrganisationId = caller.OrganisationId, ScenarioId = thread.ScenarioId, PhaseIndex = thread.PhaseIndex, PhaseKey = thread.PhaseKey,
            Field = thread.Field,
            ParentId = thread.Id, AuthorId = caller.UserId, Body = text, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(reply);
        await NotifyMentionsAsync(db, caller, scenario, text, [], thread, ct);
        await db.SaveChangesAsync(ct);
        notifier.Announce();
        return reply.Id;
    }

    /// <summary>Changes the caller's own comment; members mentioned for the first time are notified.</summary>
    public async Task EditAsync(long id, string body, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var comment = await FindAsync(db, id, ct);
        var scenario = await db.LoadReadableAsync(caller, comment.ScenarioId, ct);
        if (comment.AuthorId != caller.UserId) throw new ForbiddenException("You can edit only your own comments.");
        var errors = new FieldErrors();
        var text = CheckBody(body, errors);
        errors.ThrowIfAny();
        var before = Mentions.Find(comment.Body).Select(m => m.UserId).ToHashSet();
        comment.Body = text;
        comment.EditedAt = clock.GetUtcNow();
        var thread = comment.ParentId is { } parent ? await FindAsync(db, parent, ct) : comment;
        await NotifyMentionsAsync(db, caller, scenario, text, before, thread, ct);
        await db.SaveChangesAsync(ct);
        notifier.Announce();
    }

    public Task ResolveAsync(long threadId, CancellationToken ct = default) => SetResolvedAsync(threadId, true, ct);

    public Task ReopenAsync(long threadId, CancellationToken ct = default) => SetResolvedAsync(threadId, false, ct);

    /// <summary>Deletes the caller's own comment (Admins: anyone's); a thread goes with its replies.</summary>
    public async Task DeleteAsync(long id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var comment = await FindAsync(db, id, ct);
        await db.LoadReadableAsync(caller, comment.ScenarioId, ct);
        if (comment.AuthorId != caller.UserId && !caller.Can(Permission.ModerateComments))
            throw new ForbiddenException("You can delete only your own comments.");
        db.Remove(comment);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Staff who may comment whose name contains <paramref name="text"/>, for the composer's "@" suggestions.</summary>
    public async Task<IReadOnlyList<MentionCandidate>> SuggestMentionsAsync(string? text, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var roles = Permissions.RolesFor(Permission.CommentOnScenario).ToList();
        var typed = (text ?? "").Trim();
        if (typed.Length > 50) typed = typed[..50];
        var query = db.Users.AsNoTracking().Where(u => u.OrganisationId == caller.OrganisationId && u.IsActive && roles.Contains(u.Role));
        if (typed.Length > 0)
        {
            query = SqlDialect.Of(db.Database).WhereContains(query, u => u.DisplayName, typed);
        }
        return await query.OrderBy(u => u.DisplayName).Take(MaxMentionSuggestions)
            .Select(u => new MentionCandidate(u.Id, u.DisplayName, u.Role)).ToListAsync(ct);
    }

    private async Task SetResolvedAsync(long threadId, bool resolved, CancellationToken ct)
    {
        var caller = await currentUser.RequireAsync(Permission.CommentOnScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var thread = await FindAsync(db, threadId, ct);
        await db.LoadReadableAsync(caller, thread.ScenarioId, ct);
        if (thread.ParentId is not null) throw new ValidationFailedException("Thread", "Resolve the thread, not one of its replies.");
        if (!CanResolve(caller, thread)) throw new ForbiddenException("Only the thread's author, Content managers, Reviewers and Admins resolve threads.");
        thread.ResolvedAt = resolved ? clock.GetUtcNow() : null;
        thread.ResolvedById = resolved ? caller.UserId : null;
        await db.SaveChangesAsync(ct);
    }

    private static bool CanResolve(Caller caller, ScenarioComment thread) =>
        thread.AuthorId == caller.UserId || caller.Can(Permission.ResolveComments);

    private static IQueryable<ScenarioComment> OpenThreads(AppDbContext db, Caller caller) =>
        db.Set<ScenarioComment>().Where(c => c.OrganisationId == caller.OrganisationId && c.ParentId == null && c.ResolvedAt == null);

    private static async Task<ScenarioComment> FindAsync(AppDbContext db, long id, CancellationToken ct) =>
        await db.Set<ScenarioComment>().SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new ForbiddenException("This comment does not exist or is not visible to you.");

    private static string CheckBody(string? body, FieldErrors errors)
    {
        var text = (body ?? "").Trim();
        errors.Check(text.Length > 0, "Body", "Write a comment first.")
            .Check(text.Length <= ScenarioComment.MaxBody, "Body", $"Keep a comment under {ScenarioComment.MaxBody:N0} characters.");
        return text;
    }

    /// <summary>
    /// Each member mentioned in <paramref name="body"/> (and not already in <paramref name="already"/>) who may comment and
    /// can read the scenario gets a Mentioned notification, added to this context so it commits with the comment.
    /// </summary>
    private async Task NotifyMentionsAsync(AppDbContext db, Caller caller, Scenario scenario, string body, IReadOnlyCollection<string> already,
        ScenarioComment thread, CancellationToken ct)
    {
        var ids = Mentions.Find(body).Select(m => m.UserId).Where(id => id != caller.UserId && !already.Contains(id)).Take(20).ToList();
        if (ids.Count == 0) return;
        var members = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.OrganisationId == caller.OrganisationId && u.IsActive)
            .Select(u => new { u.Id, u.Role, u.DisplayName }).ToListAsync(ct);
        var recipients = new List<string>();
        foreach (var m in members.Where(m => m.Role.Can(Permission.CommentOnScenario)))
        {
            var reader = new Caller(m.Id, caller.OrganisationId, m.Role, m.DisplayName);
            if (await db.Scenarios.ReadableBy(reader).AnyAsync(s => s.Id == scenario.Id, ct)) recipients.Add(m.Id);
        }
        var plain = Mentions.ToPlainText(body);
        notifier.Add(db, caller.OrganisationId, recipients, NotificationKind.Mentioned, $"{caller.DisplayName} mentioned you on {scenario.Title}",
            plain.Length > 300 ? plain[..299] + "…" : plain, $"/scenarios/{scenario.Id}?comments={thread.Id}");
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// A scenario's lifecycle: draft, in review, published (a numbered version learners practise), archived. Changes to a
/// published scenario are a draft beside it (<see cref="ScenarioDraft"/>) that goes through the same review; learners
/// keep the live version until the change is approved. Every step is audited and notifies the people it concerns, in
/// the step's transaction.
/// </summary>
public sealed class ScenarioLifecycle(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock, AuditTrail audit, Notifier notifier)
{
    public async Task SubmitForReviewAsync(int id, string? note = null, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanSubmit, "Only Admins and Content managers submit drafts, and only drafts.", ct);
        var (s, draft) = (step.Scenario, step.Draft);
        var doc = draft?.Document ?? s.ToDocument();
        ScenarioValidator.Validate(doc, forPublish: true).ThrowIfAny();
        if (doc.Phases.Count == 0) throw new ValidationFailedException("Phases", "Add phases before publishing.");
        var now = clock.GetUtcNow();
        if (draft is not null) (draft.Status, draft.SubmittedById, draft.SubmittedAt) = (DraftStatus.InReview, step.Caller.UserId, now);
        else (s.Status, s.SubmittedById, s.SubmittedAt, s.UpdatedAt) = (ScenarioStatus.InReview, step.Caller.UserId, now, now);
        step.Event(ReviewEventKind.Submitted, note);
        audit.Record(step.Db, step.Caller, AuditAction.Submit, Subject(s), Said("Submitted for review", note));
        var reviewers = await step.Db.Users
            .Where(u => u.IsActive && (u.Role == OrgRole.Reviewer || u.Role == OrgRole.Admin) && u.Id != step.Caller.UserId)
            .Select(u => u.Id).ToListAsync(ct);
        notifier.Add(step.Db, s.OrganisationId, reviewers, Notifications.NotificationKind.ReviewRequested,
            $"Review requested: {doc.Title}", Said($"{step.Caller.DisplayName} submitted it", note), ReviewLink(s.Id));
        await step.CommitAsync(ct);
    }

    /// <summary>Approves the change under review (an Admin may also publish a draft directly) as the next numbered version.</summary>
    public async Task<int> PublishAsync(int id, string? note = null, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanPublish, "Only Admins and Reviewers publish, and not a change they submitted.", ct);
        var (s, draft, db) = (step.Scenario, step.Draft, step.Db);
        var doc = draft?.Document ?? s.ToDocument();
        ScenarioValidator.Validate(doc, forPublish: true).ThrowIfAny();
        if (doc.Phases.Count == 0) throw new ValidationFailedException("Phases", "Add phases before publishing.");
        var author = draft?.SubmittedById ?? s.SubmittedById ?? draft?.UpdatedById ?? s.CreatedById;
        var reviewed = draft?.Status == DraftStatus.InReview || (draft is null && s.Status == ScenarioStatus.InReview);
        var submitNote = reviewed ? step.SubmitNote : null;
        if (draft is not null)
        {
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(doc);
            s.Visibility = draft.Visibility;
            db.ScenarioDrafts.Remove(draft);
        }
        else if (s.Phases.Any(p => string.IsNullOrEmpty(p.Content.Key)))
        {
            // Phases saved before phases had keys get theirs now, so the version and later edits share them.
            var current = s.ToDocument();
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(current);
        }

        var number = (await db.ScenarioVersions.Where(v => v.ScenarioId == s.Id).MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
        var now = clock.GetUtcNow();
        var authorName = await db.Users.Where(u => u.Id == author).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        db.ScenarioVersions.Add(new ScenarioVersion
        {
            OrganisationId = s.OrganisationId, ScenarioId = s.Id, Number = number, Document = s.ToDocument(),
            ChangeNote = ScenarioVersioning.Note(string.IsNullOrWhiteSpace(note) ? submitNote : note), AuthorName = authorName,
            PublishedById = step.Caller.UserId, PublishedByName = step.Caller.DisplayName, PublishedAt = now,
        });
        var from = s.Status;
        (s.Status, s.LiveVersion, s.PublishedAt, s.UpdatedAt, s.SubmittedById, s.SubmittedAt) =
            (ScenarioStatus.Published, number, now, now, null, null);
        step.Event(ReviewEventKind.Approved, note, number);
        // An Admin may publish a draft nobody submitted (the role table's "publish"); the log says it skipped review.
        audit.Record(db, step.Caller, AuditAction.Publish, Subject(s), Said($"Published version {number}{(reviewed ? "" : " without review")}", note),
            AuditTrail.Diff(("Status", from, ScenarioStatus.Published), ("Live version", number - 1 == 0 ? null : number - 1, number)));
        if (author != step.Caller.UserId)
            notifier.Add(db, s.OrganisationId, [author], Notifications.NotificationKind.Published,
                $"Published: {s.Title} (version {number})", Said($"Approved by {step.Caller.DisplayName}", note), $"/scenarios/{s.Id}?tab=history");
        await step.CommitAsync(ct, contentChanged: true);
        return number;
    }

    /// <summary>Sends the change under review back to its author with a comment saying what to change.</summary>
    public async Task RequestChangesAsync(int id, string comment, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(comment)) throw new ValidationFailedException("Comment", "Say what should change, so the author knows what to fix.");
        await using var step = await BeginAsync(id, a => a.CanRequestChanges, "Only Admins and Reviewers request changes, and not on their own change.", ct);
        var (s, draft) = (step.Scenario, step.Draft);
        var author = draft?.SubmittedById ?? s.SubmittedById ?? s.CreatedById;
        if (draft is not null) (draft.Status, draft.SubmittedById, draft.SubmittedAt) = (DraftStatus.Draft, null, null);
        else (s.Status, s.SubmittedById, s.SubmittedAt, s.UpdatedAt) = (ScenarioStatus.Draft, null, null, clock.GetUtcNow());
        step.Event(ReviewEventKind.ChangesRequested, comment);
        audit.Record(step.Db, step.Caller, AuditAction.RequestChanges, Subject(s), Said("Changes requested", comment));
        notifier.Add(step.Db, s.OrganisationId, [author], Notifications.NotificationKind.ChangesRequested,
            $"Changes requested: {s.Title}", $"{step.Caller.DisplayName}: {comment.Trim()}", $"/scenarios/{s.Id}?tab=history");
        await step.CommitAsync(ct);
    }

    public async Task ArchiveAsync(int id, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanArchive, "Only Admins and Reviewers archive scenarios.", ct);
        SetStatus(step, ScenarioStatus.Archived, "Archived");
        await step.CommitAsync(ct);
    }

    /// <summary>Back to draft: unpublishing, reopening an archived scenario, or withdrawing a submission.</summary>
    public async Task ReturnToDraftAsync(int id, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanReturnToDraft, "Your role may not move this scenario back to draft.", ct);
        SetStatus(step, ScenarioStatus.Draft, "Moved back to draft");
        step.Scenario.SubmittedById = null;
        step.Scenario.SubmittedAt = null;
        await step.CommitAsync(ct);
    }

    /// <summary>Throws away the pending change to a published scenario; the live version stays as it is.</summary>
    public async Task DiscardDraftAsync(int id, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanDiscardDraft, "There is no change to discard, or your role may not discard it.", ct);
        step.Db.ScenarioDrafts.Remove(step.Draft!);
        step.Event(ReviewEventKind.DraftDiscarded, null);
        audit.Record(step.Db, step.Caller, AuditAction.Delete, Subject(step.Scenario), "Discarded the draft changes");
        await step.CommitAsync(ct);
    }

    /// <summary>
    /// Makes a version the content being edited again: the draft beside a published scenario (replacing any pending
    /// change), or the scenario itself when it is not published. Nothing reaches learners until it is published.
    /// </summary>
    public async Task RestoreAsync(int id, int version, CancellationToken ct = default)
    {
        await using var step = await BeginAsync(id, a => a.CanRestore, "Your role may not restore versions of this scenario.", ct);
        var (s, db) = (step.Scenario, step.Db);
        var restored = await db.ScenarioVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ScenarioId == s.Id && v.Number == version, ct)
            ?? throw new ValidationFailedException("Version", $"Version {version} does not exist.");
        var doc = restored.Document;
        // The slug and title may since belong to another scenario: the restore keeps this scenario's slug.
        doc.Slug = s.Slug;
        var now = clock.GetUtcNow();
        if (s.Status == ScenarioStatus.Published)
        {
            var draft = step.Draft ?? db.ScenarioDrafts.Add(new ScenarioDraft { OrganisationId = s.OrganisationId, ScenarioId = s.Id }).Entity;
            (draft.Document, draft.Visibility, draft.Status, draft.BaseVersion, draft.UpdatedById, draft.UpdatedAt, draft.SubmittedById, draft.SubmittedAt) =
                (doc, s.Visibility, DraftStatus.Draft, s.LiveVersion ?? version, step.Caller.UserId, now, null, null);
        }
        else
        {
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(doc);
            (s.Status, s.UpdatedAt, s.SubmittedById, s.SubmittedAt) = (ScenarioStatus.Draft, now, null, null);
        }
        step.Event(ReviewEventKind.Restored, $"Restored version {version} as a new draft", version);
        audit.Record(db, step.Caller, AuditAction.Restore, Subject(s), $"Restored version {version} as a new draft");
        await step.CommitAsync(ct, contentChanged: s.Status != ScenarioStatus.Published);
    }

    private void SetStatus(Step step, ScenarioStatus to, string summary)
    {
        var s = step.Scenario;
        var from = s.Status;
        s.Status = to;
        s.UpdatedAt = clock.GetUtcNow();
        audit.Record(step.Db, step.Caller, AuditAction.StatusChange, Subject(s), summary, AuditTrail.Diff(("Status", from, to)));
    }

    private static AuditSubject Subject(Scenario s) => new("Scenario", s.Id.ToString(), s.Title);

    private static string Said(string what, string? note) => string.IsNullOrWhiteSpace(note) ? what + "." : $"{what}: {note.Trim()}";

    private static string ReviewLink(int id) => $"/reviews?scenario={id}";

    private async Task<Step> BeginAsync(int id, Func<ScenarioActions, bool> allowed, string refusal, CancellationToken ct)
    {
        var caller = await currentUser.GetAsync(ct);
        var db = await tenantDb.OpenAsync(caller, ct);
        try
        {
            var tx = await db.Database.BeginTransactionAsync(ct);
            var s = await db.LoadReadableAsync(caller, id, ct, tracked: true);
            var draft = await db.ScenarioDrafts.SingleOrDefaultAsync(d => d.ScenarioId == id, ct);
            var selfApproval = await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.AllowSelfApproval).SingleAsync(ct);
            var actions = ScenarioAccess.ActionsFor(caller, s, draft, selfApproval);
            if (!allowed(actions)) throw new ForbiddenException(actions.ApprovalBlocked ?? refusal);
            var submitNote = await db.ReviewEvents.Where(e => e.ScenarioId == id).OrderByDescending(e => e.Id)
                .Where(e => e.Kind == ReviewEventKind.Submitted).Select(e => e.Note).FirstOrDefaultAsync(ct);
            return new Step(db, tx, caller, s, draft, submitNote, clock, notifier);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>One lifecycle step: the caller's context and transaction, the scenario and its draft.</summary>
    private sealed class Step(AppDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, Caller caller, Scenario scenario,
        ScenarioDraft? draft, string? submitNote, TimeProvider clock, Notifier notifier) : IAsyncDisposable
    {
        public AppDbContext Db => db;
        public Caller Caller => caller;
        public Scenario Scenario => scenario;
        public ScenarioDraft? Draft => draft;
        public string? SubmitNote => submitNote;

        public void Event(ReviewEventKind kind, string? note, int? version = null) => db.ReviewEvents.Add(new ReviewEvent
        {
            OrganisationId = scenario.OrganisationId, ScenarioId = scenario.Id, Kind = kind, Note = ScenarioVersioning.Note(note),
            ById = caller.UserId, ByName = caller.DisplayName, At = clock.GetUtcNow(), Version = version,
        });

        public async Task CommitAsync(CancellationToken ct, bool contentChanged = false)
        {
            scenario.Revision++;
            await db.SaveChangesAsync(ct);
            if (contentChanged) await ScenarioSearchIndex.UpsertAsync(db, scenario, ct);
            else await ScenarioSearchIndex.UpdateFacetsAsync(db, scenario, ct);
            await tx.CommitAsync(ct);
            notifier.Announce();
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await db.DisposeAsync();
        }
    }
}

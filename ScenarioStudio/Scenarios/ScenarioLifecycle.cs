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
        await using var batch = await BeginAsync(id, a => a.CanSubmit, "Only Admins and Content managers submit drafts, and only drafts.", ct);
        PublishingErrors(batch.Steps[0]).ThrowIfAny();
        Submit(batch, batch.Steps[0], note);
        await NotifySubmittedAsync(batch, batch.Steps, note, ct);
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    /// <summary>Approves the change under review (an Admin may also publish a draft directly) as the next numbered version.</summary>
    public async Task<int> PublishAsync(int id, string? note = null, CancellationToken ct = default)
    {
        await using var batch = await BeginAsync(id, a => a.CanPublish, "Only Admins and Reviewers publish, and not a change they submitted.", ct);
        PublishingErrors(batch.Steps[0]).ThrowIfAny();
        var facts = await PublishFactsAsync(batch, batch.Steps, ct);
        var number = Publish(batch, batch.Steps[0], note, facts);
        NotifyPublished(batch, batch.Steps, note);
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
        return number;
    }

    /// <summary>Sends the change under review back to its author with a comment saying what to change.</summary>
    public async Task RequestChangesAsync(int id, string comment, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(comment)) throw new ValidationFailedException("Comment", "Say what should change, so the author knows what to fix.");
        await using var batch = await BeginAsync(id, a => a.CanRequestChanges, "Only Admins and Reviewers request changes, and not on their own change.", ct);
        var step = batch.Steps[0];
        var (s, draft) = (step.Scenario, step.Draft);
        var author = draft?.SubmittedById ?? s.SubmittedById ?? s.CreatedById;
        if (draft is not null) (draft.Status, draft.SubmittedById, draft.SubmittedAt) = (DraftStatus.Draft, null, null);
        else (s.Status, s.SubmittedById, s.SubmittedAt, s.UpdatedAt) = (ScenarioStatus.Draft, null, null, clock.GetUtcNow());
        Event(batch, step, ReviewEventKind.ChangesRequested, comment);
        audit.Record(batch.Db, batch.Caller, AuditAction.RequestChanges, Subject(s), Said("Changes requested", comment));
        notifier.Add(batch.Db, s.OrganisationId, [author], Notifications.NotificationKind.ChangesRequested,
            $"Changes requested: {s.Title}", $"{batch.Caller.DisplayName}: {comment.Trim()}", $"/scenarios/{s.Id}?tab=history");
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    public async Task ArchiveAsync(int id, CancellationToken ct = default)
    {
        await using var batch = await BeginAsync(id, a => a.CanArchive, "Only Admins and Reviewers archive scenarios.", ct);
        Archive(batch, batch.Steps[0]);
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    /// <summary>Back to draft: unpublishing, reopening an archived scenario, or withdrawing a submission.</summary>
    public async Task ReturnToDraftAsync(int id, CancellationToken ct = default)
    {
        await using var batch = await BeginAsync(id, a => a.CanReturnToDraft, "Your role may not move this scenario back to draft.", ct);
        ReturnToDraft(batch, batch.Steps[0]);
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    /// <summary>Throws away the pending change to a published scenario; the live version stays as it is.</summary>
    public async Task DiscardDraftAsync(int id, CancellationToken ct = default)
    {
        await using var batch = await BeginAsync(id, a => a.CanDiscardDraft, "There is no change to discard, or your role may not discard it.", ct);
        var step = batch.Steps[0];
        batch.Db.ScenarioDrafts.Remove(step.Draft!);
        Event(batch, step, ReviewEventKind.DraftDiscarded, null);
        audit.Record(batch.Db, batch.Caller, AuditAction.Delete, Subject(step.Scenario), "Discarded the draft changes");
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    /// <summary>
    /// Makes a version the content being edited again: the draft beside a published scenario (replacing any pending
    /// change), or the scenario itself when it is not published. Nothing reaches learners until it is published.
    /// </summary>
    public async Task RestoreAsync(int id, int version, CancellationToken ct = default)
    {
        await using var batch = await BeginAsync(id, a => a.CanRestore, "Your role may not restore versions of this scenario.", ct);
        var (step, db) = (batch.Steps[0], batch.Db);
        var s = step.Scenario;
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
                (doc, s.Visibility, DraftStatus.Draft, s.LiveVersion ?? version, batch.Caller.UserId, now, null, null);
        }
        else
        {
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(doc);
            (s.Status, s.UpdatedAt, s.SubmittedById, s.SubmittedAt) = (ScenarioStatus.Draft, now, null, null);
            step.Search = SearchChange.Content;
        }
        Event(batch, step, ReviewEventKind.Restored, $"Restored version {version} as a new draft", version);
        audit.Record(db, batch.Caller, AuditAction.Restore, Subject(s), $"Restored version {version} as a new draft");
        await batch.SaveAsync(batch.Steps, ct);
        await batch.CommitAsync(ct);
    }

    // The steps below are shared by the single actions above (a batch of one) and ScenarioBulk (a batch of many): the
    // caller has checked each step's ScenarioActions (and PublishingErrors) first; the batch saves and commits.

    /// <summary>What stops a scenario's content from being submitted or published (empty when it may be).</summary>
    internal static FieldErrors PublishingErrors(LifecycleStep step)
    {
        // The row's own content is read as it is (not copied): the checks only read it, and a publish writes it out as the version.
        var doc = step.Draft?.Document ?? step.Scenario.ToDocument(copy: false);
        if (step.Draft is null) step.Checked = doc;
        var errors = ScenarioValidator.Validate(doc, forPublish: true);
        if (doc.Phases.Count == 0) errors.Add("Phases", "Add phases before publishing.");
        return errors;
    }

    /// <summary>Submits the step's content for review (the reviewers are told by <see cref="NotifySubmittedAsync"/>).</summary>
    internal void Submit(LifecycleBatch batch, LifecycleStep step, string? note)
    {
        var (s, draft, caller, now) = (step.Scenario, step.Draft, batch.Caller, clock.GetUtcNow());
        if (draft is not null) (draft.Status, draft.SubmittedById, draft.SubmittedAt) = (DraftStatus.InReview, caller.UserId, now);
        else (s.Status, s.SubmittedById, s.SubmittedAt, s.UpdatedAt) = (ScenarioStatus.InReview, caller.UserId, now, now);
        Event(batch, step, ReviewEventKind.Submitted, note);
        audit.Record(batch.Db, caller, AuditAction.Submit, Subject(s), Said("Submitted for review" + batch.AuditSuffix, note));
    }

    /// <summary>Tells the reviewers what was submitted: one notification for the whole batch.</summary>
    internal async Task NotifySubmittedAsync(LifecycleBatch batch, IReadOnlyList<LifecycleStep> steps, string? note, CancellationToken ct)
    {
        if (steps.Count == 0) return;
        var caller = batch.Caller;
        var reviewers = await batch.Db.Users
            .Where(u => u.IsActive && (u.Role == OrgRole.Reviewer || u.Role == OrgRole.Admin) && u.Id != caller.UserId)
            .Select(u => u.Id).ToListAsync(ct);
        var (first, organisation) = (steps[0], steps[0].Scenario.OrganisationId);
        if (steps.Count == 1)
            notifier.Add(batch.Db, organisation, reviewers, Notifications.NotificationKind.ReviewRequested,
                $"Review requested: {first.Content.Title}", Said($"{caller.DisplayName} submitted it", note), ReviewLink(first.Scenario.Id));
        else
            notifier.Add(batch.Db, organisation, reviewers, Notifications.NotificationKind.ReviewRequested,
                $"Review requested: {steps.Count} scenarios", Said($"{caller.DisplayName} submitted {Titles(steps.Select(t => t.Content.Title))}", note),
                "/reviews");
    }

    /// <summary>The next version number of each scenario and the names of their authors, read in two queries for the whole batch.</summary>
    internal static async Task<PublishFacts> PublishFactsAsync(LifecycleBatch batch, IReadOnlyList<LifecycleStep> steps, CancellationToken ct)
    {
        var ids = steps.Select(s => s.Scenario.Id).ToList();
        var numbers = await batch.Db.ScenarioVersions.Where(v => ids.Contains(v.ScenarioId)).GroupBy(v => v.ScenarioId)
            .Select(g => new { g.Key, Number = g.Max(v => v.Number) }).ToDictionaryAsync(g => g.Key, g => g.Number, ct);
        var authors = steps.Select(AuthorOf).Distinct().ToList();
        var names = await batch.Db.Users.Where(u => authors.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return new PublishFacts(numbers, names);
    }

    /// <summary>Publishes the step's content as its next numbered version (notifications: <see cref="NotifyPublished"/>).</summary>
    internal int Publish(LifecycleBatch batch, LifecycleStep step, string? note, PublishFacts facts)
    {
        var (s, draft, db) = (step.Scenario, step.Draft, batch.Db);
        var author = AuthorOf(step);
        var reviewed = step.InReview;
        var submitNote = reviewed ? step.SubmitNote : null;
        var document = step.Checked;
        if (draft is not null)
        {
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(draft.Document);
            s.Visibility = draft.Visibility;
            db.ScenarioDrafts.Remove(draft);
            step.Search = SearchChange.Content;
            document = null;
        }
        else if (s.Phases.Any(p => string.IsNullOrEmpty(p.Content.Key)))
        {
            // Phases saved before phases had keys get theirs now, so the version and later edits share them.
            var current = s.ToDocument();
            db.ScenarioPhases.RemoveRange(s.Phases);
            s.Apply(current);
            document = null;
        }

        var number = facts.VersionNumbers.GetValueOrDefault(s.Id) + 1;
        var now = clock.GetUtcNow();
        db.ScenarioVersions.Add(new ScenarioVersion
        {
            OrganisationId = s.OrganisationId, ScenarioId = s.Id, Number = number, Document = document ?? s.ToDocument(),
            ChangeNote = ScenarioVersioning.Note(string.IsNullOrWhiteSpace(note) ? submitNote : note),
            AuthorName = facts.AuthorNames.GetValueOrDefault(author) ?? "",
            PublishedById = batch.Caller.UserId, PublishedByName = batch.Caller.DisplayName, PublishedAt = now,
        });
        var from = s.Status;
        (s.Status, s.LiveVersion, s.PublishedAt, s.UpdatedAt, s.SubmittedById, s.SubmittedAt) =
            (ScenarioStatus.Published, number, now, now, null, null);
        Event(batch, step, ReviewEventKind.Approved, note, number);
        // An Admin may publish a draft nobody submitted (the role table's "publish"); the log says it skipped review.
        var published = $"Published version {number}{(reviewed ? "" : " without review")}{batch.AuditSuffix}";
        audit.Record(db, batch.Caller, AuditAction.Publish, Subject(s), Said(published, note),
            AuditTrail.Diff(("Status", from, ScenarioStatus.Published), ("Live version", number - 1 == 0 ? null : number - 1, number)));
        step.Published = (author, number);
        return number;
    }

    /// <summary>Tells each author that their scenarios were published: one notification per author, whatever the batch's size.</summary>
    internal void NotifyPublished(LifecycleBatch batch, IReadOnlyList<LifecycleStep> steps, string? note)
    {
        var caller = batch.Caller;
        foreach (var group in steps.Where(s => s.Published is { } p && p.Author != caller.UserId).GroupBy(s => s.Published!.Value.Author))
        {
            var mine = group.ToList();
            var (first, organisation) = (mine[0].Scenario, mine[0].Scenario.OrganisationId);
            if (mine.Count == 1)
                notifier.Add(batch.Db, organisation, [group.Key], Notifications.NotificationKind.Published,
                    $"Published: {first.Title} (version {mine[0].Published!.Value.Number})", Said($"Approved by {caller.DisplayName}", note),
                    $"/scenarios/{first.Id}?tab=history");
            else
                notifier.Add(batch.Db, organisation, [group.Key], Notifications.NotificationKind.Published,
                    $"Published: {mine.Count} of your scenarios", Said($"Approved by {caller.DisplayName}: {Titles(mine.Select(s => s.Scenario.Title))}", note),
                    "/scenarios?status=Published");
        }
    }

    internal void Archive(LifecycleBatch batch, LifecycleStep step) => SetStatus(batch, step, ScenarioStatus.Archived, "Archived");

    internal void ReturnToDraft(LifecycleBatch batch, LifecycleStep step)
    {
        SetStatus(batch, step, ScenarioStatus.Draft, "Moved back to draft");
        step.Scenario.SubmittedById = null;
        step.Scenario.SubmittedAt = null;
    }

    private void SetStatus(LifecycleBatch batch, LifecycleStep step, ScenarioStatus to, string summary)
    {
        summary += batch.AuditSuffix;
        var s = step.Scenario;
        var from = s.Status;
        s.Status = to;
        s.UpdatedAt = clock.GetUtcNow();
        audit.Record(batch.Db, batch.Caller, AuditAction.StatusChange, Subject(s), summary, AuditTrail.Diff(("Status", from, to)));
    }

    private void Event(LifecycleBatch batch, LifecycleStep step, ReviewEventKind kind, string? note, int? version = null) =>
        batch.Db.ReviewEvents.Add(new ReviewEvent
        {
            OrganisationId = step.Scenario.OrganisationId, ScenarioId = step.Scenario.Id, Kind = kind, Note = ScenarioVersioning.Note(note),
            ById = batch.Caller.UserId, ByName = batch.Caller.DisplayName, At = clock.GetUtcNow(), Version = version,
        });

    private static string AuthorOf(LifecycleStep step) =>
        step.Draft?.SubmittedById ?? step.Scenario.SubmittedById ?? step.Draft?.UpdatedById ?? step.Scenario.CreatedById;

    internal static AuditSubject Subject(Scenario s) => new("Scenario", s.Id.ToString(), s.Title);

    private static string Said(string what, string? note) => string.IsNullOrWhiteSpace(note) ? what + "." : $"{what}: {note.Trim()}";

    /// <summary>The first few titles of a batch, for a notification about all of it.</summary>
    private static string Titles(IEnumerable<string> titles)
    {
        var all = titles.ToList();
        var shown = string.Join(", ", all.Take(3).Select(t => $"“{t}”"));
        return all.Count > 3 ? $"{shown} and {all.Count - 3} more" : shown;
    }

    private static string ReviewLink(int id) => $"/reviews?scenario={id}";

    private async Task<LifecycleBatch> BeginAsync(int id, Func<ScenarioActions, bool> allowed, string refusal, CancellationToken ct)
    {
        var batch = await OpenAsync(await currentUser.GetAsync(ct), [id], ct);
        try
        {
            if (batch.Steps.Count == 0) throw new ForbiddenException(ScenarioAccess.NotVisible);
            var actions = batch.Steps[0].Actions;
            if (!allowed(actions)) throw new ForbiddenException(actions.ApprovalBlocked ?? refusal);
            return batch;
        }
        catch
        {
            await batch.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens the caller's context and transaction and loads the scenarios the caller may read among <paramref name="ids"/>
    /// (in that order; the others are left out), with their phases, drafts, last submission notes and what the caller
    /// may do with each: five queries however many there are.
    /// </summary>
    internal async Task<LifecycleBatch> OpenAsync(Caller caller, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var db = await tenantDb.OpenAsync(caller, ct);
        try
        {
            var tx = await db.Database.BeginTransactionAsync(ct);
            var list = ids.Distinct().ToList();
            var scenarios = await db.Scenarios.Include(s => s.Phases).ReadableOrInReview(db, caller).Where(s => list.Contains(s.Id))
                .AsSplitQuery().ToDictionaryAsync(s => s.Id, ct);
            var drafts = await db.ScenarioDrafts.Where(d => list.Contains(d.ScenarioId)).ToDictionaryAsync(d => d.ScenarioId, ct);
            var selfApproval = await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.AllowSelfApproval).SingleAsync(ct);
            var lastSubmissions = db.ReviewEvents.Where(e => list.Contains(e.ScenarioId) && e.Kind == ReviewEventKind.Submitted)
                .GroupBy(e => e.ScenarioId).Select(g => g.Max(e => e.Id));
            var notes = await db.ReviewEvents.Where(e => lastSubmissions.Contains(e.Id)).Select(e => new { e.ScenarioId, e.Note })
                .ToDictionaryAsync(e => e.ScenarioId, e => e.Note, ct);
            var steps = list.Where(scenarios.ContainsKey).Select(id =>
            {
                var (s, draft) = (scenarios[id], drafts.GetValueOrDefault(id));
                return new LifecycleStep(s, draft, notes.GetValueOrDefault(id), ScenarioAccess.ActionsFor(caller, s, draft, selfApproval));
            }).ToList();
            return new LifecycleBatch(db, tx, caller, steps, notifier);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }
}

/// <summary>What publishing a batch reads once: each scenario's highest version number so far, and the authors' names.</summary>
internal sealed record PublishFacts(IReadOnlyDictionary<int, int> VersionNumbers, IReadOnlyDictionary<string, string> AuthorNames);

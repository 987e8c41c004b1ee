using ScenarioStudio.Audit;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

public enum BulkAction { Publish, Archive, Unarchive, ChangeCategory, ChangeVisibility, AddTag, RemoveTag, Delete }

/// <summary>A selected scenario that stops a bulk action, and why.</summary>
public sealed record BulkBlock(int Id, string Title, string Reason)
{
    public override string ToString() => $"“{Title}”: {Reason}";
}

/// <summary>
/// What a bulk action did: how many scenarios it changed and how many were already as asked (skipped); or, when
/// <see cref="Blocked"/> is not empty, that it changed nothing because of those rows.
/// </summary>
public sealed record BulkResult(BulkAction Action, int Changed, int Skipped, IReadOnlyList<BulkBlock> Blocked)
{
    public bool Refused => Blocked.Count > 0;
    /// <summary>A Content manager's publish: the changed scenarios were submitted for review, not published.</summary>
    public bool SubmittedForReview { get; init; }
    /// <summary>Of <see cref="Changed"/>, the published scenarios whose change waits in their draft changes for review.</summary>
    public int InDraftChanges { get; init; }
    /// <summary>The sentence the list shows, e.g. "12 scenarios archived; 3 were already archived."</summary>
    public string Summary { get; init; } = "";
}

/// <summary>
/// Actions on many scenarios at once, from the list's selection. Each action runs in one transaction: it loads every
/// selected row in a few queries, checks each against the caller's rights and the same rules as the single action
/// (<see cref="ScenarioAccess.ActionsFor"/>, the lifecycle's own steps, <see cref="ScenarioValidator"/>), and refuses the
/// whole action, writing nothing, when any row may not be changed. Otherwise it changes the rows in chunks (reporting
/// the rows handled through <c>progress</c>), writes an audit row per scenario and keeps the search index in step.
/// </summary>
public sealed class ScenarioBulk(CurrentUser currentUser, ScenarioLifecycle lifecycle, TimeProvider clock, AuditTrail audit)
{
    /// <summary>The most rows one action takes ("all that match" is resolved up to this many, <see cref="ScenarioQueries.MatchingIdsAsync"/>).</summary>
    public const int MaxRows = 10_000;
    private const int Chunk = 250;

    /// <summary>
    /// Publishes (Admins and Reviewers, through the lifecycle's review rules) or, for a Content manager, submits for review.
    /// Skips what is already published without pending changes (and, when submitting, what already waits for review).
    /// </summary>
    public async Task<BulkResult> PublishAsync(IReadOnlyCollection<int> ids, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        var submits = !caller.Can(Permission.PublishScenario);
        if (submits) caller.Require(Permission.UpdateScenario);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, submits ? SubmitVerdict : PublishVerdict);
        if (plan.Refused) return plan.Result(BulkAction.Publish, "");
        if (submits)
        {
            await RunAsync(batch, plan, step => lifecycle.Submit(batch, step, null), progress, ct);
            await lifecycle.NotifySubmittedAsync(batch, plan.Changes, null, ct);
        }
        else
        {
            var facts = await ScenarioLifecycle.PublishFactsAsync(batch, plan.Changes, ct);
            await RunAsync(batch, plan, step => lifecycle.Publish(batch, step, null, facts), progress, ct);
            lifecycle.NotifyPublished(batch, plan.Changes, null);
        }
        await batch.SaveAsync([], ct);
        await batch.CommitAsync(ct);
        return plan.Result(BulkAction.Publish, submits
            ? $"{Count(plan.Changes.Count)} submitted for review{Also(plan.Skipped, "already published or in review")}."
            : $"{Count(plan.Changes.Count)} published{Also(plan.Skipped, "already published")}.") with { SubmittedForReview = submits };
    }

    public async Task<BulkResult> ArchiveAsync(IReadOnlyCollection<int> ids, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.PublishScenario, ct);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => step.Scenario.Status == ScenarioStatus.Archived ? Verdict.Skip
            : step.Actions.CanArchive ? Verdict.Change : Verdict.Block(WhyNot(step, caller)));
        if (plan.Refused) return plan.Result(BulkAction.Archive, "");
        await RunAsync(batch, plan, step => lifecycle.Archive(batch, step), progress, ct);
        await batch.CommitAsync(ct);
        return plan.Result(BulkAction.Archive, $"{Count(plan.Changes.Count)} archived{Also(plan.Skipped, "already archived")}.");
    }

    /// <summary>Moves archived scenarios back to draft, as the single "Back to draft" does; the others are skipped.</summary>
    public async Task<BulkResult> UnarchiveAsync(IReadOnlyCollection<int> ids, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => step.Scenario.Status != ScenarioStatus.Archived ? Verdict.Skip
            : step.Actions.CanReturnToDraft ? Verdict.Change
            : Verdict.Block(step.Scenario.IsSystem && caller.Role != OrgRole.Admin ? Library
                : step.Draft is not null ? "draft changes wait beside it: open it and discard or publish them first"
                : $"your role ({caller.Role.DisplayName()}) may not change it"));
        if (plan.Refused) return plan.Result(BulkAction.Unarchive, "");
        await RunAsync(batch, plan, step => lifecycle.ReturnToDraft(batch, step), progress, ct);
        await batch.CommitAsync(ct);
        return plan.Result(BulkAction.Unarchive, $"{Count(plan.Changes.Count)} moved back to draft{Also(plan.Skipped, "not archived")}.");
    }

    /// <summary>Sets the category, checked by the builder's own rules (<see cref="ScenarioValidator.IsValidCategory"/>, and the list's).</summary>
    public async Task<BulkResult> ChangeCategoryAsync(IReadOnlyCollection<int> ids, string category, IProgress<int>? progress = null,
        CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        var name = (category ?? "").Trim();
        if (!ScenarioValidator.IsValidCategory(name)) throw new ValidationFailedException("Category", ScenarioValidator.CategoryRule);
        await using var batch = await OpenAsync(caller, ids, ct);
        // The organisation's list decides, as for a save in the builder (archived categories are not picked anew).
        var pick = new ScenarioDocument { Category = name };
        var errors = new FieldErrors();
        await Categories.CategoryService.CheckScenarioCategoryAsync(batch.Db, pick, null, errors, ct);
        errors.ThrowIfAny();
        name = pick.Category;
        var plan = Decide(batch, ids, step => Editable(step, caller) ?? (CategoryOf(step) == name ? Verdict.Skip : Verdict.Change));
        if (plan.Refused) return plan.Result(BulkAction.ChangeCategory, "");
        await RunAsync(batch, plan, step => Edit(batch, step, "Changed the category", ("Category", CategoryOf(step), name),
            d => d.Document.Category = name, s => s.Category = name, SearchChange.None), progress, ct);
        await batch.CommitAsync(ct);
        var drafts = plan.PublishedChanges;
        return plan.Result(BulkAction.ChangeCategory,
                $"{Count(plan.Changes.Count)} moved to “{name}”{Also(plan.Skipped, "already there")}.{Waiting(drafts)}")
            with { InDraftChanges = drafts };
    }

    public async Task<BulkResult> ChangeVisibilityAsync(IReadOnlyCollection<int> ids, Visibility visibility, IProgress<int>? progress = null,
        CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        if (!Enum.IsDefined(visibility)) throw new ValidationFailedException("Visibility", "Choose a visibility.");
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => Editable(step, caller) ?? (VisibilityOf(step) == visibility ? Verdict.Skip : Verdict.Change));
        if (plan.Refused) return plan.Result(BulkAction.ChangeVisibility, "");
        await RunAsync(batch, plan, step => Edit(batch, step, "Changed the visibility", ("Visibility", VisibilityOf(step), visibility),
            d => d.Visibility = visibility, s => s.Visibility = visibility, SearchChange.Facets), progress, ct);
        await batch.CommitAsync(ct);
        var drafts = plan.PublishedChanges;
        var label = Labels.Of(visibility).ToLowerInvariant();
        return plan.Result(BulkAction.ChangeVisibility, $"{Count(plan.Changes.Count)} made {label}{Also(plan.Skipped, $"already {label}")}.{Waiting(drafts)}")
            with { InDraftChanges = drafts };
    }

    /// <summary>Adds a tag; a scenario that would have more tags than the builder allows (<see cref="ScenarioValidator.AreValidTags"/>) blocks it.</summary>
    public async Task<BulkResult> AddTagAsync(IReadOnlyCollection<int> ids, string tag, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        var word = CheckTag(tag);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => Editable(step, caller) ?? (HasTag(step, word) ? Verdict.Skip
            : ScenarioValidator.AreValidTags([.. TagsOf(step), word]) ? Verdict.Change
            : Verdict.Block($"it already has {TagsOf(step).Count} tags: {ScenarioValidator.TagsRule}")));
        if (plan.Refused) return plan.Result(BulkAction.AddTag, "");
        await RunAsync(batch, plan, step => EditTags(batch, step, "Added the tag “" + word + "”", [.. TagsOf(step), word]), progress, ct);
        await batch.CommitAsync(ct);
        var drafts = plan.PublishedChanges;
        return plan.Result(BulkAction.AddTag, $"Tag “{word}” added to {Count(plan.Changes.Count)}{Also(plan.Skipped, "already had it")}.{Waiting(drafts)}")
            with { InDraftChanges = drafts };
    }

    public async Task<BulkResult> RemoveTagAsync(IReadOnlyCollection<int> ids, string tag, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        var word = CheckTag(tag);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => Editable(step, caller) ?? (HasTag(step, word) ? Verdict.Change : Verdict.Skip));
        if (plan.Refused) return plan.Result(BulkAction.RemoveTag, "");
        await RunAsync(batch, plan, step => EditTags(batch, step, "Removed the tag “" + word + "”",
            TagsOf(step).Where(t => !string.Equals(t, word, StringComparison.OrdinalIgnoreCase)).ToList()), progress, ct);
        await batch.CommitAsync(ct);
        var drafts = plan.PublishedChanges;
        var summary = $"Tag “{word}” removed from {Count(plan.Changes.Count)}{Also(plan.Skipped, "did not have it")}.{Waiting(drafts)}";
        return plan.Result(BulkAction.RemoveTag, summary)
            with { InDraftChanges = drafts };
    }

    /// <summary>Deletes the scenarios for everyone (Admins), with their versions and drafts, as the single delete does.</summary>
    public async Task<BulkResult> DeleteAsync(IReadOnlyCollection<int> ids, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.DeleteScenario, ct);
        await using var batch = await OpenAsync(caller, ids, ct);
        var plan = Decide(batch, ids, step => step.Actions.CanDelete ? Verdict.Change : Verdict.Block(WhyNot(step, caller)));
        if (plan.Refused) return plan.Result(BulkAction.Delete, "");
        for (var done = 0; done < plan.Changes.Count; done += Chunk)
        {
            var chunk = plan.Changes.Skip(done).Take(Chunk).ToList();
            foreach (var s in chunk.Select(c => c.Scenario))
            {
                batch.Db.Scenarios.Remove(s);
                audit.Record(batch.Db, caller, AuditAction.Delete, ScenarioLifecycle.Subject(s), "Deleted the scenario" + batch.AuditSuffix);
            }
            await batch.Db.SaveChangesAsync(ct);
            await ScenarioSearchIndex.RemoveManyAsync(batch.Db, chunk.Select(c => c.Scenario.Id).ToList(), ct);
            progress?.Report(plan.Skipped + done + chunk.Count);
        }
        await batch.CommitAsync(ct);
        return plan.Result(BulkAction.Delete, $"{Count(plan.Changes.Count)} deleted.");
    }

    private async Task<LifecycleBatch> OpenAsync(Caller caller, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        if (ids.Count > MaxRows) throw new ValidationFailedException("Selection", $"Select at most {MaxRows:N0} scenarios for one action.");
        var batch = await lifecycle.OpenAsync(caller, ids, ct);
        batch.TrackChangedStepsOnly();
        return batch;
    }

    /// <summary>Every row's verdict; a selected id the caller cannot read (another organisation's, a private one) blocks the action.</summary>
    private static Plan Decide(LifecycleBatch batch, IReadOnlyCollection<int> ids, Func<LifecycleStep, Verdict> verdict)
    {
        var found = batch.Steps.Select(s => s.Scenario.Id).ToHashSet();
        var blocked = ids.Distinct().Where(id => !found.Contains(id))
            .Select(id => new BulkBlock(id, $"Scenario {id}", "it does not exist or is not visible to you")).ToList();
        var (changes, skipped) = (new List<LifecycleStep>(), 0);
        foreach (var step in batch.Steps)
        {
            var v = verdict(step);
            if (v.Blocked is { } why) blocked.Add(new BulkBlock(step.Scenario.Id, step.Scenario.Title, why));
            else if (v.Changes) changes.Add(step);
            else skipped++;
        }
        batch.AuditSuffix = $" (bulk action on {Count(changes.Count)})";
        return new Plan(changes, skipped, blocked);
    }

    /// <summary>Applies the change chunk by chunk, saving each.</summary>
    private static async Task RunAsync(LifecycleBatch batch, Plan plan, Action<LifecycleStep> apply, IProgress<int>? progress, CancellationToken ct)
    {
        progress?.Report(plan.Skipped);
        for (var done = 0; done < plan.Changes.Count; done += Chunk)
        {
            var chunk = plan.Changes.Skip(done).Take(Chunk).ToList();
            foreach (var step in chunk) apply(step);
            await batch.SaveAsync(chunk, ct);
            progress?.Report(plan.Skipped + done + chunk.Count);
        }
    }

    private static Verdict PublishVerdict(LifecycleStep step)
    {
        if (step.Scenario.Status == ScenarioStatus.Published && step.Draft is null) return Verdict.Skip;
        if (!step.Actions.CanPublish)
            return Verdict.Block(step.Actions.ApprovalBlocked ?? "nobody has submitted it for review: Reviewers approve what was submitted");
        return NotReady(step) ?? Verdict.Change;
    }

    private static Verdict SubmitVerdict(LifecycleStep step)
    {
        if ((step.Scenario.Status == ScenarioStatus.Published && step.Draft is null) || step.InReview) return Verdict.Skip;
        if (!step.Actions.CanSubmit) return Verdict.Block(step.Scenario.IsSystem ? Library : "archived: unarchive it first");
        return NotReady(step) ?? Verdict.Change;
    }

    private static Verdict? NotReady(LifecycleStep step)
    {
        var errors = ScenarioLifecycle.PublishingErrors(step).ToDictionary();
        if (errors.Count == 0) return null;
        var messages = errors.SelectMany(e => e.Value).ToList();
        return Verdict.Block("not ready to publish: " + messages[0] + (messages.Count > 1 ? $" (and {messages.Count - 1} more)" : ""));
    }

    private const string Library = "library scenario, only Admins change it";

    /// <summary>Null when the caller may edit the row's content; otherwise the verdict that blocks.</summary>
    private static Verdict? Editable(LifecycleStep step, Caller caller) => step.Actions.CanEdit ? null : Verdict.Block(WhyNot(step, caller));

    private static string WhyNot(LifecycleStep step, Caller caller) => step.Scenario switch
    {
        { IsSystem: true } when caller.Role != OrgRole.Admin => Library,
        { Status: ScenarioStatus.Archived } => "archived: unarchive it first",
        _ => $"your role ({caller.Role.DisplayName()}) may not change it",
    };

    /// <summary>
    /// Changes the content being edited, as the builder's save does: a published scenario's change goes into its draft
    /// changes (started when there are none), which learners do not see until it is reviewed and published.
    /// </summary>
    private void Edit<T>(LifecycleBatch batch, LifecycleStep step, string what, (string Field, T Before, T After) change,
        Action<ScenarioDraft> toDraft, Action<Scenario> toScenario, SearchChange search)
    {
        var (s, now) = (step.Scenario, clock.GetUtcNow());
        if (s.Status == ScenarioStatus.Published)
        {
            var draft = step.Draft = ScenarioCommands.DraftBeside(batch.Db, s, step.Draft);
            toDraft(draft);
            (draft.UpdatedById, draft.UpdatedAt) = (batch.Caller.UserId, now);
            step.Search = SearchChange.None;
            what += " in the draft changes (learners keep the live version)";
        }
        else
        {
            toScenario(s);
            s.UpdatedAt = now;
            step.Search = search;
        }
        audit.Record(batch.Db, batch.Caller, AuditAction.Update, ScenarioLifecycle.Subject(s), what + batch.AuditSuffix,
            AuditTrail.Diff((change.Field, change.Before, change.After)));
    }

    private void EditTags(LifecycleBatch batch, LifecycleStep step, string what, List<string> tags) =>
        Edit(batch, step, what, ("Tags", TagsOf(step), tags), d => d.Document.Tags = [.. tags], s => s.Tags = [.. tags], SearchChange.Content);

    private static string CategoryOf(LifecycleStep step) => step.Draft?.Document.Category ?? step.Scenario.Category;
    private static Visibility VisibilityOf(LifecycleStep step) => step.Draft?.Visibility ?? step.Scenario.Visibility;
    private static List<string> TagsOf(LifecycleStep step) => step.Draft?.Document.Tags ?? step.Scenario.Tags;
    private static bool HasTag(LifecycleStep step, string tag) => TagsOf(step).Contains(tag, StringComparer.OrdinalIgnoreCase);

    private static string CheckTag(string? tag)
    {
        var word = (tag ?? "").Trim();
        if (word.Length == 0 || !ScenarioValidator.AreValidTags([word])) throw new ValidationFailedException("Tag", "Type a tag of 1 to 30 characters.");
        return word;
    }

    private static string Count(int n) => n == 1 ? "1 scenario" : $"{n:N0} scenarios";
    private static string Also(int skipped, string why) => skipped == 0 ? "" : $"; {skipped:N0} skipped ({why})";
    private static string Waiting(int drafts) =>
        drafts == 0 ? "" : $" {(drafts == 1 ? "1 is" : $"{drafts:N0} are")} published: the change waits in the draft changes for review.";

    /// <summary>A row's fate in an action: changed, skipped (already as asked), or blocking the whole action.</summary>
    private readonly record struct Verdict(bool Changes, string? Blocked)
    {
        public static Verdict Change => new(true, null);
        public static Verdict Skip => new(false, null);
        public static Verdict Block(string why) => new(false, why);
    }

    private sealed record Plan(List<LifecycleStep> Changes, int Skipped, List<BulkBlock> Blocked)
    {
        public bool Refused => Blocked.Count > 0;
        /// <summary>Changes to published scenarios: an edit goes into their draft changes (<see cref="Edit"/>).</summary>
        public int PublishedChanges => Changes.Count(c => c.Scenario.Status == ScenarioStatus.Published);

        public BulkResult Result(BulkAction action, string summary) => Refused
            ? new BulkResult(action, 0, 0, Blocked)
            {
                Summary = $"Nothing was changed: {(Blocked.Count == 1 ? "1 selected scenario blocks" : $"{Blocked.Count:N0} selected scenarios block")} it.",
            }
            : new BulkResult(action, Changes.Count, Skipped, []) { Summary = summary };
    }
}

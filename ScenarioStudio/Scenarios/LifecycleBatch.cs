using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// How a change reaches the search index: not at all (a change of status alone, or a draft beside: the index holds no status,
/// <see cref="ScenarioSearchIndex.Facets(ScenarioDomain, Difficulty, Visibility)"/>), the facet words (a change of visibility), or the whole row.
/// </summary>
internal enum SearchChange { None, Facets, Content }

/// <summary>One scenario in a <see cref="LifecycleBatch"/>: the tracked row, its pending draft and what the caller may do with it.</summary>
internal sealed class LifecycleStep(Scenario scenario, ScenarioDraft? draft, string? submitNote, ScenarioActions actions)
{
    public Scenario Scenario => scenario;
    /// <summary>The pending change beside a published scenario; set when a bulk edit starts one.</summary>
    public ScenarioDraft? Draft { get; set; } = draft;
    /// <summary>The note of the last submission for review.</summary>
    public string? SubmitNote => submitNote;
    public ScenarioActions Actions => actions;
    public SearchChange Search { get; set; }
    /// <summary>Set by a publish: who made the change and the version it became.</summary>
    public (string Author, int Number)? Published { get; set; }

    /// <summary>The content being edited: the pending change, or the scenario itself.</summary>
    public ScenarioDocument Content => Draft?.Document ?? Scenario.ToDocument();

    /// <summary>
    /// The scenario's own content as the publishing rules checked it (<see cref="ScenarioLifecycle.PublishingErrors"/>),
    /// kept so a publish that changes nothing in it writes this copy as the version instead of building another.
    /// </summary>
    public ScenarioDocument? Checked { get; set; }

    /// <summary>Whether the content being edited waits for a reviewer.</summary>
    public bool InReview => Draft?.Status == DraftStatus.InReview || (Draft is null && Scenario.Status == ScenarioStatus.InReview);
}

/// <summary>
/// Scenarios changed together in one transaction of the caller's context: one for a single lifecycle action, up to
/// thousands for a bulk action. <see cref="SaveAsync"/> may run once per chunk; nothing is kept until <see cref="CommitAsync"/>.
/// </summary>
internal sealed class LifecycleBatch(AppDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, Caller caller,
    IReadOnlyList<LifecycleStep> steps, Notifier notifier) : IAsyncDisposable
{
    public AppDbContext Db => db;
    public Caller Caller => caller;
    public IReadOnlyList<LifecycleStep> Steps => steps;
    /// <summary>Added to the audit log's summaries: a bulk action says so, with how many scenarios it changed together.</summary>
    public string AuditSuffix { get; set; } = "";

    /// <summary>Saves the changes made so far, moving each changed scenario to its next revision, and keeps the search index in step.</summary>
    public async Task SaveAsync(IReadOnlyCollection<LifecycleStep> changed, CancellationToken ct)
    {
        foreach (var step in changed) step.Scenario.Revision++;
        if (db.ChangeTracker.AutoDetectChangesEnabled) await db.SaveChangesAsync(ct);
        else await SaveChunkAsync(changed, ct);
        foreach (var step in changed)
        {
            if (step.Search == SearchChange.Content) await ScenarioSearchIndex.UpsertAsync(db, step.Scenario, ct);
            else if (step.Search == SearchChange.Facets) await ScenarioSearchIndex.UpdateFacetsAsync(db, step.Scenario, ct);
        }
    }

    /// <summary>
    /// A bulk action turns off EF's scan of every tracked entity before each save (three scans a save, each comparing
    /// every JSON column of thousands of rows: seconds for 1,000 scenarios) and has only the changed steps' entities
    /// looked at: the scenario (with new phases in its collection) and its draft. Rows the lifecycle adds or removes are
    /// tracked by Add and Remove themselves. A phase is never edited in place (a change of content replaces the phases:
    /// <see cref="Scenario.Apply"/>), so the loaded phases, six JSON documents a scenario, are not compared.
    /// </summary>
    public void TrackChangedStepsOnly() => db.ChangeTracker.AutoDetectChangesEnabled = false;

    private async Task SaveChunkAsync(IReadOnlyCollection<LifecycleStep> changed, CancellationToken ct)
    {
        foreach (var step in changed)
        {
            db.Entry(step.Scenario).DetectChanges();
            if (step.Draft is { } draft) db.Entry(draft).DetectChanges();
        }
        await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
        // The rows a chunk only adds (versions, review steps, audit entries) are let go rather than kept with a snapshot
        // of their JSON, which costs as much again as writing them and is never read.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added
            && e.Entity is ScenarioVersion or ReviewEvent or Audit.AuditEntry).ToList())
            entry.State = EntityState.Detached;
        db.ChangeTracker.AcceptAllChanges();
    }

    /// <summary>Commits, then tells the people notified (never inside the transaction).</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await tx.CommitAsync(ct);
        notifier.Announce();
    }

    public async ValueTask DisposeAsync()
    {
        await tx.DisposeAsync();
        await db.DisposeAsync();
    }
}

using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>A scenario's lifecycle: draft, in review, published, archived, and back to draft.</summary>
public sealed class ScenarioLifecycle(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock)
{
    public Task SubmitForReviewAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanSubmit, ScenarioStatus.InReview, "Only Admins and Content managers submit drafts for review.", ct);

    public Task PublishAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanPublish, ScenarioStatus.Published, "Only Admins and Reviewers publish, and only scenarios in review.", ct);

    public Task ArchiveAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanArchive, ScenarioStatus.Archived, "Only Admins and Reviewers archive scenarios.", ct);

    /// <summary>Back to draft: a Reviewer's "request changes", or reopening an archived or published scenario.</summary>
    public Task ReturnToDraftAsync(int id, CancellationToken ct = default) =>
        TransitionAsync(id, a => a.CanReturnToDraft, ScenarioStatus.Draft, "Your role may not move this scenario back to draft.", ct);

    private async Task TransitionAsync(int id, Func<ScenarioActions, bool> allowed, ScenarioStatus to, string refusal, CancellationToken ct)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var s = await db.LoadReadableAsync(caller, id, ct, tracked: true);
        if (!allowed(ScenarioAccess.ActionsFor(caller, s))) throw new ForbiddenException(refusal);
        if (to is ScenarioStatus.InReview or ScenarioStatus.Published)
        {
            ScenarioValidator.Validate(s.ToDocument(), forPublish: true).ThrowIfAny();
            if (s.Phases.Count == 0) throw new ValidationFailedException("Phases", "Add phases before publishing.");
        }
        s.Status = to;
        if (to == ScenarioStatus.Published) s.PublishedAt = clock.GetUtcNow();
        s.UpdatedAt = clock.GetUtcNow();
        s.Revision++;
        await db.SaveChangesAsync(ct);
        await ScenarioSearchIndex.UpdateFacetsAsync(db, s, ct);
        await tx.CommitAsync(ct);
    }
}

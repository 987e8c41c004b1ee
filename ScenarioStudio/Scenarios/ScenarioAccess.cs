using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>What the caller may do with one scenario; the services enforce the same rules.</summary>
public sealed record ScenarioActions(bool CanEdit, bool CanDelete, bool CanDuplicate, bool CanSubmit, bool CanPublish, bool CanArchive,
    bool CanReturnToDraft, bool CanSeeAnalytics = false, bool CanRequestChanges = false, bool CanDiscardDraft = false, bool CanRestore = false,
    bool CanTryOut = false)
{
    /// <summary>Set when the caller could approve but submitted the change themselves.</summary>
    public string? ApprovalBlocked { get; init; }
}

/// <summary>
/// What the access rules and the list's filters read from a scenario: a <see cref="Scenario"/>, or a search hit
/// (<see cref="ScenarioSearchHit"/>), so both are filtered by the same rules.
/// </summary>
public interface IScenarioListing : IOrganisationOwned
{
    int Id { get; }
    ScenarioDomain Domain { get; }
    string Category { get; }
    Difficulty Difficulty { get; }
    ScenarioStatus Status { get; }
    Visibility Visibility { get; }
    string CreatedById { get; }
    DateTimeOffset UpdatedAt { get; }
}

/// <summary>
/// Who reads, practises and changes which scenario, written once. Every feature that lists, opens, practises,
/// assigns, counts or suggests scenarios filters through these rules.
/// </summary>
public static class ScenarioAccess
{
    /// <summary>The refusal for a scenario that is missing or hidden from the caller: the same words for both, so neither is told apart.</summary>
    public const string NotVisible = "This scenario does not exist or is not visible to you.";

    /// <summary>Published for the whole organisation: what every learner may practise and what may be assigned to a team.</summary>
    public static IQueryable<T> OpenToLearners<T>(this IQueryable<T> query) where T : IScenarioListing =>
        query.Where(s => s.Status == ScenarioStatus.Published && s.Visibility != Visibility.Private);

    /// <summary>What the caller may practise: the scenarios open to learners and their own private published ones.</summary>
    public static IQueryable<Scenario> PractisableBy(this IQueryable<Scenario> query, Caller caller) =>
        query.Where(s => s.Status == ScenarioStatus.Published && (s.Visibility != Visibility.Private || s.CreatedById == caller.UserId));

    /// <summary>
    /// What a role reads. Learners: what is open to learners. Staff: everything in the organisation except other
    /// people's private scenarios (Admins see those; Reviewers see them while they are in review).
    /// </summary>
    public static IQueryable<T> ReadableBy<T>(this IQueryable<T> query, Caller caller) where T : IScenarioListing => caller.Role switch
    {
        OrgRole.Admin => query,
        OrgRole.Learner => query.OpenToLearners(),
        OrgRole.Reviewer => query.Where(s => s.Visibility != Visibility.Private || s.CreatedById == caller.UserId || s.Status == ScenarioStatus.InReview),
        _ => query.Where(s => s.Visibility != Visibility.Private || s.CreatedById == caller.UserId),
    };

    /// <summary>
    /// <see cref="ReadableBy"/>, and for Reviewers also what waits for them as a change beside a published scenario (the
    /// scenario row is not "in review" then; its draft is). The lists use <see cref="ReadableBy"/>; opening one
    /// scenario and the review queue use this.
    /// </summary>
    public static IQueryable<Scenario> ReadableOrInReview(this IQueryable<Scenario> query, AppDbContext db, Caller caller) =>
        caller.Role != OrgRole.Reviewer
            ? query.ReadableBy(caller)
            : query.Where(s => s.Visibility != Visibility.Private || s.CreatedById == caller.UserId || s.Status == ScenarioStatus.InReview
                || db.ScenarioDrafts.Any(d => d.ScenarioId == s.Id && d.Status == DraftStatus.InReview));

    /// <summary>One scenario with its phases, if the caller may read it; refused the same way whether it is missing or hidden.</summary>
    public static async Task<Scenario> LoadReadableAsync(this AppDbContext db, Caller caller, int id, CancellationToken ct, bool tracked = false)
    {
        var query = db.Scenarios.Include(s => s.Phases).ReadableOrInReview(db, caller).Where(s => s.Id == id);
        if (!tracked) query = query.AsNoTracking();
        return await query.SingleOrDefaultAsync(ct)
            ?? throw new ForbiddenException(NotVisible);
    }

    /// <summary>
    /// What the caller may do with a scenario they can read. <paramref name="draft"/> is the pending change to a
    /// published scenario, if any; the content under review is that draft, or the scenario itself before its first
    /// publish. Whoever submitted a change does not approve it, unless they are an Admin and the organisation allows it.
    /// </summary>
    public static ScenarioActions ActionsFor(Caller caller, Scenario s, ScenarioDraft? draft = null, bool allowSelfApproval = false)
    {
        var admin = caller.Role == OrgRole.Admin;
        var editor = caller.Can(Permission.UpdateScenario) && (!s.IsSystem || admin);
        var publisher = caller.Can(Permission.PublishScenario);
        var inReview = draft?.Status == DraftStatus.InReview || (draft is null && s.Status == ScenarioStatus.InReview);
        var submitter = draft is not null ? draft.SubmittedById : s.SubmittedById;
        var ownChange = inReview && submitter == caller.UserId && !(admin && allowSelfApproval);
        // Admins publish a draft without a review; a Reviewer approves what was submitted.
        var publishable = inReview
            || (admin && (draft?.Status == DraftStatus.Draft || (draft is null && s.Status is ScenarioStatus.Draft or ScenarioStatus.Archived)));
        return new ScenarioActions(
            CanEdit: editor && s.Status != ScenarioStatus.Archived,
            CanDelete: caller.Can(Permission.DeleteScenario),
            CanDuplicate: caller.Can(Permission.CreateScenario),
            CanSubmit: editor && (draft is null ? s.Status == ScenarioStatus.Draft : draft.Status == DraftStatus.Draft),
            CanPublish: publisher && publishable && !ownChange,
            CanArchive: publisher && (!s.IsSystem || admin) && s.Status != ScenarioStatus.Archived,
            // Unpublishing, reopening an archived scenario or withdrawing a submission; not while a change waits beside it.
            CanReturnToDraft: editor && draft is null && s.Status != ScenarioStatus.Draft,
            CanSeeAnalytics: admin || s.CreatedById == caller.UserId,
            CanRequestChanges: publisher && inReview && !ownChange,
            CanDiscardDraft: editor && draft is not null,
            CanRestore: editor && s.Status != ScenarioStatus.Archived,
            CanTryOut: editor || caller.Can(Permission.ReviewScenario))
        {
            ApprovalBlocked = publisher && inReview && ownChange ? "You submitted this change: another Reviewer or Admin approves it." : null,
        };
    }
}

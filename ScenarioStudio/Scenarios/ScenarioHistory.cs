using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

public sealed record VersionRow(int Number, DateTimeOffset PublishedAt, string PublishedBy, string Author, string ChangeNote, bool IsLive);

public sealed record ReviewStep(ReviewEventKind Kind, string Note, string By, DateTimeOffset At, int? Version);

/// <summary>A scenario's versions (newest first), its pending change if any, and its review steps (newest first).</summary>
public sealed record ScenarioVersions(int ScenarioId, string Title, int? LiveVersion, DraftStatus? PendingChange, DateTimeOffset? PendingSince,
    IReadOnlyList<VersionRow> Versions, IReadOnlyList<ReviewStep> Steps);

/// <summary>What a side of a comparison is: a version by number, the live version, or the content being edited.</summary>
public readonly record struct VersionRef(int? Number, bool Working = false)
{
    public static readonly VersionRef Editing = new(null, true);
    public static readonly VersionRef Live = new(null);
    public static VersionRef Of(int number) => new(number);

    public override string ToString() => Working ? "draft" : Number is { } n ? $"v{n}" : "live";

    public static VersionRef Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "draft" => Editing,
        ['v', .. var n] when int.TryParse(n, out var number) => Of(number),
        _ => Live,
    };
}

/// <summary>One scenario waiting for a reviewer: new (never published) or a change to its live version.</summary>
public sealed record ReviewItem(int ScenarioId, string Title, ScenarioDomain Domain, int? LiveVersion, string SubmittedBy, DateTimeOffset SubmittedAt,
    string Note);

/// <summary>Reading a scenario's history for the staff who work on it: versions, review steps, diffs, the review queue.</summary>
public sealed class ScenarioHistory(CurrentUser currentUser, TenantDb tenantDb)
{
    public async Task<ScenarioVersions> ListAsync(int id, CancellationToken ct = default)
    {
        var (caller, db) = await OpenAsync(ct);
        await using var _ = db;
        var s = await db.LoadReadableAsync(caller, id, ct);
        var draft = await db.ScenarioDrafts.AsNoTracking().Where(d => d.ScenarioId == id)
            .Select(d => new { d.Status, d.UpdatedAt }).SingleOrDefaultAsync(ct);
        var versions = await db.ScenarioVersions.AsNoTracking().Where(v => v.ScenarioId == id).OrderByDescending(v => v.Number)
            .Select(v => new VersionRow(v.Number, v.PublishedAt, v.PublishedByName, v.AuthorName, v.ChangeNote, v.Number == s.LiveVersion))
            .ToListAsync(ct);
        var steps = await db.ReviewEvents.AsNoTracking().Where(e => e.ScenarioId == id).OrderByDescending(e => e.Id).Take(200)
            .Select(e => new ReviewStep(e.Kind, e.Note, e.ByName, e.At, e.Version)).ToListAsync(ct);
        return new ScenarioVersions(id, s.Title, s.LiveVersion, draft?.Status, draft?.UpdatedAt, versions, steps);
    }

    /// <summary>The document of one side of a comparison.</summary>
    public async Task<ScenarioDocument> GetAsync(int id, VersionRef which, CancellationToken ct = default)
    {
        var (caller, db) = await OpenAsync(ct);
        await using var _ = db;
        var s = await db.LoadReadableAsync(caller, id, ct);
        return await DocumentAsync(db, s, which, ct);
    }

    /// <summary>Two sides compared field by field and phase by phase (<paramref name="before"/> → <paramref name="after"/>).</summary>
    public async Task<ScenarioDiff> DiffAsync(int id, VersionRef before, VersionRef after, CancellationToken ct = default)
    {
        var (caller, db) = await OpenAsync(ct);
        await using var _ = db;
        var s = await db.LoadReadableAsync(caller, id, ct);
        return ScenarioDiff.Between(await DocumentAsync(db, s, before, ct), await DocumentAsync(db, s, after, ct));
    }

    /// <summary>Everything waiting for a review, oldest submission first.</summary>
    public async Task<IReadOnlyList<ReviewItem>> QueueAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ReviewScenario, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenarios = db.Scenarios.AsNoTracking().ReadableOrInReview(db, caller);
        var fresh = await scenarios.Where(s => s.Status == ScenarioStatus.InReview)
            .Select(s => new { s.Id, s.Title, s.Domain, s.LiveVersion, By = s.SubmittedById, At = s.SubmittedAt ?? s.UpdatedAt })
            .ToListAsync(ct);
        var changes = await db.ScenarioDrafts.AsNoTracking().Where(d => d.Status == DraftStatus.InReview)
            .Join(scenarios, d => d.ScenarioId, s => s.Id,
                (d, s) => new { s.Id, d.Document, s.Domain, s.LiveVersion, By = d.SubmittedById, At = d.SubmittedAt ?? d.UpdatedAt })
            .ToListAsync(ct);
        var waiting = fresh.Concat(changes.Select(c => new { c.Id, c.Document.Title, c.Domain, c.LiveVersion, c.By, c.At })).ToList();
        var ids = waiting.Select(w => w.Id).ToList();
        var notes = await db.ReviewEvents.AsNoTracking().Where(e => ids.Contains(e.ScenarioId) && e.Kind == ReviewEventKind.Submitted)
            .GroupBy(e => e.ScenarioId).Select(g => g.OrderByDescending(e => e.Id).Select(e => new { e.ScenarioId, e.Note, e.ByName }).First())
            .ToDictionaryAsync(n => n.ScenarioId, ct);
        return waiting.OrderBy(w => w.At)
            .Select(w => new ReviewItem(w.Id, w.Title, w.Domain, w.LiveVersion, notes.GetValueOrDefault(w.Id)?.ByName ?? "", w.At,
                notes.GetValueOrDefault(w.Id)?.Note ?? ""))
            .ToList();
    }

    /// <summary>The document of one side: the content being edited, the live content, or a version.</summary>
    internal static async Task<ScenarioDocument> DocumentAsync(AppDbContext db, Scenario s, VersionRef which, CancellationToken ct)
    {
        if (which.Working)
        {
            var draft = await db.ScenarioDrafts.AsNoTracking().Where(d => d.ScenarioId == s.Id).Select(d => d.Document).SingleOrDefaultAsync(ct);
            return draft ?? s.ToDocument();
        }
        if (which.Number is not { } number)
        {
            // The live content is the scenario row while it is published; before the first publish there is none.
            return s.LiveVersion is null ? new ScenarioDocument() : s.Status == ScenarioStatus.Published ? s.ToDocument()
                : await VersionAsync(db, s.Id, s.LiveVersion.Value, ct);
        }
        return await VersionAsync(db, s.Id, number, ct);
    }

    private static async Task<ScenarioDocument> VersionAsync(AppDbContext db, int id, int number, CancellationToken ct) =>
        await db.ScenarioVersions.AsNoTracking().Where(v => v.ScenarioId == id && v.Number == number).Select(v => v.Document).SingleOrDefaultAsync(ct)
            ?? throw new ValidationFailedException("Version", $"Version {number} does not exist.");

    /// <summary>History is for the staff who write and review scenarios, not for learners or managers.</summary>
    private async Task<(Caller, AppDbContext)> OpenAsync(CancellationToken ct)
    {
        var caller = await currentUser.GetAsync(ct);
        if (!caller.Can(Permission.UpdateScenario) && !caller.Can(Permission.ReviewScenario))
            throw new ForbiddenException("Only the people who write and review scenarios read their history.");
        return (caller, await tenantDb.OpenAsync(caller, ct));
    }
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;

namespace ScenarioStudio.Audit;

/// <summary>
/// What the audit page asks for; every part is optional. A subject is a kind and an id together (a scenario, a member);
/// <see cref="From"/> is inclusive and <see cref="To"/> exclusive.
/// </summary>
public sealed record AuditFilter(string? ActorId = null, IReadOnlyList<AuditAction>? Actions = null, string? SubjectKind = null,
    string? SubjectId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record AuditRow(long Id, DateTimeOffset At, string ActorId, string ActorName, string? Address, AuditAction Action,
    string SubjectKind, string SubjectId, string SubjectName, string Summary, IReadOnlyList<FieldChange> Changes);

/// <summary>Entries newest first; <see cref="NextBefore"/> asks for the page after this one (null on the last page).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, long? NextBefore);

public sealed record AuditPerson(string Id, string Name, bool IsActive);

/// <summary>What the filter bar offers: the organisation's members, and the viewer's time zone for showing times.</summary>
public sealed record AuditLogOptions(IReadOnlyList<AuditPerson> People, TimeZoneInfo Zone);

/// <summary>
/// Reads the audit log: Admins only, their own organisation only. A page is read by keyset (entries before an id, newest
/// first), and every filter combination is an index seek ending in Id, so a page costs the same at row 10 and row
/// 1,000,000 (measured with 1,000,000 rows: see the commit message and <c>AuditLogScaleTests</c>).
/// </summary>
public sealed class AuditLogService(CurrentUser currentUser, TenantDb tenantDb, ExportAudit exportAudit)
{
    public const int MaxPageSize = 200;
    public const int MaxExportRows = 100_000;
    public const string ExportName = "Audit log";

    /// <summary>
    /// How far an entry's time may run behind an entry written before it (a transaction that recorded it, then waited for
    /// the writer's lock). Ids follow the order of writing, times nearly so: a date range becomes an Id range widened by this.
    /// </summary>
    internal static readonly TimeSpan Skew = TimeSpan.FromMinutes(10);

    public async Task<AuditLogOptions> OptionsAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ReadAuditLog, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var people = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName)
            .Select(u => new AuditPerson(u.Id, u.DisplayName, u.IsActive)).ToListAsync(ct);
        var zone = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TimeZone).SingleAsync(ct);
        return new AuditLogOptions(people, ProgressRules.Zone(zone));
    }

    /// <summary>Scenarios, members and teams whose name contains the text, for the subject filter (at most <paramref name="max"/>).</summary>
    public async Task<IReadOnlyList<AuditSubject>> FindSubjectsAsync(string? text, int max = 10, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ReadAuditLog, ct);
        var typed = (text ?? "").Trim();
        if (typed.Length == 0) return [];
        if (typed.Length > 100) typed = typed[..100];
        max = Math.Clamp(max, 1, 50);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var sql = SqlDialect.Of(db.Database);
        var members = await sql.WhereContains(db.Users, u => u.DisplayName, typed).OrderBy(u => u.DisplayName).Take(max)
            .Select(u => new AuditSubject(AuditSubjects.Member, u.Id, u.DisplayName)).ToListAsync(ct);
        var scenarios = await sql.WhereContains(db.Scenarios.Where(s => s.OrganisationId == caller.OrganisationId), s => s.Title, typed)
            .OrderBy(s => s.Title).Take(max).Select(s => new { s.Id, s.Title }).ToListAsync(ct);
        var teams = await sql.WhereContains(db.Teams, t => t.Name, typed).OrderBy(t => t.Name).Take(max)
            .Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        return members
            .Concat(scenarios.Select(s => new AuditSubject(AuditSubjects.Scenario, s.Id.ToString(), s.Title)))
            .Concat(teams.Select(t => new AuditSubject(AuditSubjects.Team, t.Id.ToString(), t.Name)))
            .Take(max).ToList();
    }

    public async Task<AuditPage> PageAsync(AuditFilter filter, long? before, int size, CancellationToken ct)
    {
        var caller = await currentUser.RequireAsync(Permission.ReadAuditLog, ct);
        Validate(filter);
        size = Math.Clamp(size, 1, MaxPageSize);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var rows = await ReadAsync(db, caller.OrganisationId, filter, before, size + 1, ct);
        var more = rows.Count > size;
        if (more) rows.RemoveAt(size);
        return new AuditPage(rows, more ? rows[^1].Id : null);
    }

    /// <summary>
    /// The filtered entries as a table for Excel or CSV, newest first, at most <see cref="MaxExportRows"/>, read in pages
    /// as the file is written. The caller is checked now; the download is audited by <see cref="ExportAudit"/> once written.
    /// </summary>
    public async Task<ExportTable> ExportAsync(AuditFilter filter, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ReadAuditLog, ct);
        Validate(filter);
        return new ExportTable(ExportName,
            [new("When (UTC)", ColumnKind.Date), new("Who"), new("Action"), new("Kind"), new("What"), new("Summary"), new("Changes"), new("Address")],
            ExportRowsAsync(caller, filter, ct));
    }

    /// <summary>Records a download of the log in the log, with its filter in words (names as the log last wrote them).</summary>
    public async Task RecordExportAsync(AuditFilter filter, string format, int rows, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ReadAuditLog, ct);
        string? actor = null, subject = null;
        await using (var db = await tenantDb.OpenAsync(caller, ct))
        {
            var entries = db.AuditEntries.Where(e => e.OrganisationId == caller.OrganisationId).OrderByDescending(e => e.Id);
            if (!string.IsNullOrEmpty(filter.ActorId))
                actor = await entries.Where(e => e.ActorId == filter.ActorId).Select(e => e.ActorName).FirstOrDefaultAsync(ct);
            if (!string.IsNullOrEmpty(filter.SubjectKind))
                subject = await entries.Where(e => e.SubjectKind == filter.SubjectKind && e.SubjectId == filter.SubjectId)
                    .Select(e => e.SubjectName).FirstOrDefaultAsync(ct);
        }
        await exportAudit.RecordAsync(new AuditSubject(AuditSubjects.AuditLog, "", ExportName), $"the audit log{Describe(filter, actor, subject)}",
            format, rows, ct);
    }

    private async IAsyncEnumerable<object?[]> ExportRowsAsync(Caller caller, AuditFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        long? before = null;
        var written = 0;
        while (written < MaxExportRows)
        {
            List<AuditRow> rows;
            await using (var db = await tenantDb.OpenAsync(caller, ct))
                rows = await ReadAsync(db, caller.OrganisationId, filter, before, Math.Min(1000, MaxExportRows - written), ct);
            foreach (var r in rows)
            {
                yield return [r.At, r.ActorName, AuditLabels.Action(r.Action), r.SubjectKind, r.SubjectName, r.Summary,
                    string.Join("; ", r.Changes.Select(c => $"{c.Field}: {c.Before ?? "(none)"} → {c.After ?? "(none)"}")), r.Address];
            }
            written += rows.Count;
            if (rows.Count < 1000) yield break;
            before = rows[^1].Id;
        }
    }

    private static void Validate(AuditFilter f)
    {
        // A subject is a kind and an id: a kind alone would match most of the log with nothing to seek by.
        new FieldErrors()
            .Check(string.IsNullOrEmpty(f.SubjectKind) == string.IsNullOrEmpty(f.SubjectId), "Subject", "Choose a scenario, member or team.")
            .Check(f.From is null || f.To is null || f.From < f.To, "To", "The end of the date range must come after its start.")
            .ThrowIfAny();
    }

    /// <summary>
    /// The entries newest first. Several actions are read one seek each and merged (an IN list cannot keep the index's
    /// order); a date range narrows the Id range first (<see cref="IdRangeAsync"/>), then each row's time is checked too.
    /// </summary>
    private static async Task<List<AuditRow>> ReadAsync(AppDbContext db, Guid organisationId, AuditFilter f, long? before, int take,
        CancellationToken ct)
    {
        var (low, high) = await IdRangeAsync(db, organisationId, f, ct);
        if (before is { } b) high = Math.Min(high ?? long.MaxValue, b - 1);
        if (low > high) return [];
        List<AuditAction?> actions = f.Actions is { Count: > 0 } chosen ? chosen.Distinct().Select(a => (AuditAction?)a).ToList() : [null];
        var rows = new List<AuditRow>();
        foreach (var action in actions)
        {
            rows.AddRange(await Query(db, organisationId, f, action, low, high).OrderByDescending(e => e.Id).Take(take)
                .Select(e => new AuditRow(e.Id, e.At, e.ActorId, e.ActorName, e.Address, e.Action, e.SubjectKind, e.SubjectId, e.SubjectName,
                    e.Summary, e.Changes))
                .ToListAsync(ct));
        }
        return actions.Count == 1 ? rows : rows.OrderByDescending(r => r.Id).Take(take).ToList();
    }

    private static IQueryable<AuditEntry> Query(AppDbContext db, Guid organisationId, AuditFilter f, AuditAction? action, long? low, long? high)
    {
        // The explicit organisation lets SQLite seek with it, beside the tenant filter.
        var q = Source(db, f, action).AsNoTracking().Where(e => e.OrganisationId == organisationId);
        if (!string.IsNullOrEmpty(f.ActorId)) q = q.Where(e => e.ActorId == f.ActorId);
        if (action is { } a) q = q.Where(e => e.Action == a);
        if (!string.IsNullOrEmpty(f.SubjectKind)) q = q.Where(e => e.SubjectKind == f.SubjectKind && e.SubjectId == f.SubjectId);
        if (low is { } l) q = q.Where(e => e.Id >= l);
        if (high is { } h) q = q.Where(e => e.Id <= h);
        if (f.From is { } from)
        {
            var utc = from.ToUniversalTime();
            q = q.Where(e => e.At >= utc);
        }
        if (f.To is { } to)
        {
            var utc = to.ToUniversalTime();
            q = q.Where(e => e.At < utc);
        }
        return q;
    }

    /// <summary>
    /// The table, on SQLite with the index this combination of filters must seek. Without statistics SQLite's planner
    /// may prefer an index with fewer equal columns (seen: a subject and an action read through the action's index, a
    /// scan of every entry of that action to find one scenario's). A subject is the narrowest filter, then who.
    /// </summary>
    private static IQueryable<AuditEntry> Source(AppDbContext db, AuditFilter f, AuditAction? action)
    {
        var subject = !string.IsNullOrEmpty(f.SubjectKind);
        var actor = !string.IsNullOrEmpty(f.ActorId);
        var index = (subject, actor, action is not null) switch
        {
            (true, true, _) => AuditIndexes.SubjectActor,
            (true, false, true) => AuditIndexes.SubjectAction,
            (true, false, false) => AuditIndexes.Subject,
            (false, true, true) => AuditIndexes.ActorAction,
            (false, true, false) => AuditIndexes.Actor,
            (false, false, true) => AuditIndexes.Action,
            _ => AuditIndexes.All,
        };
        return SqlDialect.Of(db.Database).AuditEntriesThrough(db, index);
    }

    /// <summary>
    /// The Id range that holds every entry of the date range, from two seeks on (OrganisationId, At). An entry written
    /// after another is never more than <see cref="Skew"/> older, so every entry from <c>From</c> on comes after the
    /// newest entry older than <c>From − Skew</c>, and every entry before <c>To</c> comes before the oldest entry from
    /// <c>To + Skew</c> on.
    /// </summary>
    private static async Task<(long? Low, long? High)> IdRangeAsync(AppDbContext db, Guid organisationId, AuditFilter f, CancellationToken ct)
    {
        long? low = null, high = null;
        if (f.From is { } from)
        {
            var cut = from.ToUniversalTime() - Skew;
            var before = await db.AuditEntries.Where(e => e.OrganisationId == organisationId && e.At < cut)
                .OrderByDescending(e => e.At).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
            if (before is { } id) low = id + 1;
        }
        if (f.To is { } to)
        {
            var cut = to.ToUniversalTime() + Skew;
            var after = await db.AuditEntries.Where(e => e.OrganisationId == organisationId && e.At >= cut)
                .OrderBy(e => e.At).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
            if (after is { } id) high = id - 1;
        }
        return (low, high);
    }

    /// <summary>The filter in words, for the export's own audit entry.</summary>
    private static string Describe(AuditFilter f, string? actor, string? subject)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(f.ActorId)) parts.Add($"by {actor ?? f.ActorId}");
        if (f.Actions is { Count: > 0 } actions) parts.Add(string.Join(", ", actions.Select(AuditLabels.Action)));
        if (!string.IsNullOrEmpty(f.SubjectKind)) parts.Add($"{f.SubjectKind.ToLowerInvariant()} {subject ?? f.SubjectId}");
        if (f.From is { } from) parts.Add($"from {from.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        if (f.To is { } to) parts.Add($"before {to.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        return parts.Count == 0 ? "" : $" ({string.Join("; ", parts)})";
    }
}

using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Audit;

/// <summary>
/// Records a download in the audit log once its file has been written whole (a failed export is no export). Nothing
/// else changes, so the entry is the save's only row.
/// </summary>
public sealed class ExportAudit(CurrentUser currentUser, TenantDb tenantDb, AuditTrail trail)
{
    public async Task RecordAsync(AuditSubject subject, string what, string format, int? rows = null,
        CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var count = rows switch { null => "", 1 => " (1 row)", _ => $" ({rows} rows)" };
        trail.Record(db, caller, AuditAction.Export, subject, $"Exported {what} as {format}{count}");
        await db.SaveChangesAsync(ct);
    }
}

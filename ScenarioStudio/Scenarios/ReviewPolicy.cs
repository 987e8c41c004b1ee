using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>
/// The organisation's review rule: whether an Admin may approve a change they submitted themselves (off by default:
/// every change is approved by a second person). Read and changed by Admins; the lifecycle reads the column itself.
/// </summary>
public sealed class ReviewPolicy(CurrentUser currentUser, TenantDb tenantDb, AuditTrail audit)
{
    public async Task<bool> AllowsSelfApprovalAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Organisations.Where(o => o.Id == caller.OrganisationId).Select(o => o.AllowSelfApproval).SingleAsync(ct);
    }

    public async Task SetSelfApprovalAsync(bool allow, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageOrganisation, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var org = await db.Organisations.SingleAsync(o => o.Id == caller.OrganisationId, ct);
        if (org.AllowSelfApproval == allow) return;
        audit.Record(db, caller, AuditAction.SettingsChange, new AuditSubject(AuditSubjects.Organisation, org.Id.ToString(), org.Name),
            allow ? "Admins may now approve their own changes" : "Every change now needs a second person to approve it",
            AuditTrail.Diff(("Admins approve their own changes", org.AllowSelfApproval ? "yes" : "no", allow ? "yes" : "no")));
        org.AllowSelfApproval = allow;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Data;

/// <summary>The only way services open a database context: one per operation, scoped to the caller's organisation.</summary>
public sealed class TenantDb(IDbContextFactory<AppDbContext> factory)
{
    public async Task<AppDbContext> OpenAsync(Caller caller, CancellationToken ct = default)
    {
        var db = await factory.CreateDbContextAsync(ct);
        db.TenantId = caller.OrganisationId;
        return db;
    }
}

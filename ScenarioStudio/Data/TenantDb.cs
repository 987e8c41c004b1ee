using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Data;

/// <summary>The only way code opens a database context: one per operation, scoped to the caller's organisation.</summary>
public sealed class TenantDb(IDbContextFactory<AppDbContext> factory, DbContextOptions<AppDbContext> options)
{
    public async Task<AppDbContext> OpenAsync(Caller caller, CancellationToken ct = default) =>
        (await factory.CreateDbContextAsync(ct)).ScopeTo(caller.OrganisationId);

    /// <summary>
    /// A context across organisations, for what no caller owns: finding who is calling, start-up seeding. Every
    /// use is a named, reviewed exception; a context opened any other way sees nothing.
    /// </summary>
    public Task<AppDbContext> OpenAsSystemAsync(CancellationToken ct = default) =>
        ct.IsCancellationRequested ? Task.FromCanceled<AppDbContext>(ct) : Task.FromResult<AppDbContext>(new SystemDbContext(options));
}

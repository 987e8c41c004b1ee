using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Organisations;

/// <summary>
/// <c>Operator:Emails</c>: the people who run the install itself (host level, above every organisation's Admin). Each signs
/// in with an ordinary account of some organisation; the e-mail address makes it an Operator's.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";
    public List<string> Emails { get; set; } = [];

    public bool IsOperator(string? email) =>
        !string.IsNullOrWhiteSpace(email) && Emails.Any(e => string.Equals(e.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>One organisation as the Operator sees it: who is in it and how much it uses the install.</summary>
public sealed record OrganisationUsage(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt, int Members,
    int Scenarios, int Sessions, int SessionsLast30Days, int AiCallsThisMonth, DateTimeOffset? LastPractice)
{
    /// <summary>The Operator's own organisation, which they cannot suspend.</summary>
    public bool IsCallers { get; init; }
}

/// <summary>A deleted organisation: the archive its data was exported to first, and the rows each table lost.</summary>
public sealed record DeletedOrganisation(string Name, string ArchiveFile, IReadOnlyList<TableRows> Rows)
{
    public long TotalRows => Rows.Sum(r => r.Rows);
}

/// <summary>One archive of a deleted organisation's data, kept in the data directory for the Operator to download.</summary>
public sealed record OrganisationArchive(string FileName, long Bytes, DateTimeOffset CreatedAt);

/// <summary>A new organisation and the single-use link that makes its first Admin (shown once, like any invitation).</summary>
public sealed record CreatedOrganisation(Guid Id, CreatedInvitation AdminInvitation);

/// <summary>
/// The host-level work of an install with several organisations: list them with their usage, create one and invite its
/// first Admin, suspend and resume one, delete one (its data exported first). Only Operators (<see cref="OperatorOptions"/>); every call checks it here.
/// </summary>
public sealed class OperatorService(CurrentUser currentUser, TenantDb tenantDb, IOptionsMonitor<OperatorOptions> options, TimeProvider clock,
    IServiceProvider services, AuditTrail audit, DataDirectory dataDirectory)
{
    public const int AdminInvitationDays = 14;

    /// <summary>The calling Operator, or <see cref="ForbiddenException"/>.</summary>
    public async Task<Caller> RequireOperatorAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var email = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.Email).SingleAsync(ct);
        return options.CurrentValue.IsOperator(email) ? caller : throw new ForbiddenException("Only the install's Operators may do this.");
    }

    public async Task<IReadOnlyList<OrganisationUsage>> ListAsync(CancellationToken ct = default)
    {
        var caller = await RequireOperatorAsync(ct);
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var now = clock.GetUtcNow();
        var monthAgo = now.AddDays(-30);
        var month = ScenarioStudio.Ai.AiUsage.MonthOf(now);
        return await db.Organisations.AsNoTracking().OrderBy(o => o.Name).Select(o => new OrganisationUsage(o.Id, o.Name, o.CreatedAt, o.SuspendedAt,
            db.Users.Count(u => u.OrganisationId == o.Id && u.IsActive),
            db.Scenarios.Count(s => s.OrganisationId == o.Id && !s.IsSystem),
            db.PracticeSessions.Count(s => s.OrganisationId == o.Id && !s.IsTryOut && s.CompletedAt != null),
            db.PracticeSessions.Count(s => s.OrganisationId == o.Id && !s.IsTryOut && s.CompletedAt != null && s.CompletedAt >= monthAgo),
            db.AiUsage.Count(u => u.OrganisationId == o.Id && u.Month == month),
            db.PracticeSessions.Where(s => s.OrganisationId == o.Id && !s.IsTryOut).Max(s => (DateTimeOffset?)s.StartedAt))
            { IsCallers = o.Id == caller.OrganisationId })
            .ToListAsync(ct);
    }

    /// <summary>
    /// A new organisation with the default categories and the seeded library, and an invitation for its first Admin, bound
    /// to their e-mail address; one transaction, recorded in the new organisation's audit log.
    /// </summary>
    public async Task<CreatedOrganisation> CreateAsync(string name, string adminEmail, CancellationToken ct = default)
    {
        var caller = await RequireOperatorAsync(ct);
        name = name.Trim();
        adminEmail = adminEmail.Trim();
        new FieldErrors()
            .Check(name.Length is >= 2 and <= Branding.MaxNameLength, "Name", $"Name the organisation (2 to {Branding.MaxNameLength} characters).")
            .Check(adminEmail.Length <= 256 && adminEmail.IndexOf('@') > 0 && !adminEmail.EndsWith('@'), "AdminEmail",
                "Enter the e-mail address of the organisation's first Admin.")
            .ThrowIfAny();

        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        if (await db.Organisations.AnyAsync(o => o.Name == name, ct))
            throw new ValidationFailedException("Name", "An organisation with this name already exists.");
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == adminEmail.ToUpperInvariant(), ct))
            throw new ValidationFailedException("AdminEmail", "An account with this e-mail address already exists: invite another address.");

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var organisation = new Organisation { Name = name, CreatedAt = now };
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(ct);
        await CategoryService.EnsureAsync(db, organisation.Id, CategoryDefaults.Names, now, ct);
        var (invitation, token) = Invitation.Create(organisation.Id, OrgRole.Admin, adminEmail, caller.UserId, now, AdminInvitationDays);
        db.Invitations.Add(invitation);
        var inNewOrganisation = caller with { OrganisationId = organisation.Id };
        audit.Record(db, inNewOrganisation, AuditAction.Invitation, MemberService.InvitationSubject(invitation),
            $"Organisation created by the install's Operator; {adminEmail} invited as its first Admin",
            AuditTrail.Diff(("Organisation", null, name), ("E-mail", null, adminEmail), ("Expires", null, invitation.ExpiresAt.ToString("u"))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        // The seeded library, as every organisation has it (the start-up seeding does the same for any that misses it).
        await services.SeedLibraryAsync(ct);
        return new CreatedOrganisation(organisation.Id, new CreatedInvitation(invitation.Id, token, invitation.ExpiresAt));
    }

    /// <summary>
    /// Suspends or resumes an organisation. While suspended its members cannot sign in, their sign-in sessions are ended, and
    /// every service call of a page still open is refused (<see cref="CurrentUser.GetAsync"/>); nothing is deleted. An
    /// Operator cannot suspend their own.
    /// </summary>
    public async Task SetSuspendedAsync(Guid organisationId, bool suspended, CancellationToken ct = default)
    {
        var caller = await RequireOperatorAsync(ct);
        if (suspended && organisationId == caller.OrganisationId)
            throw new ValidationFailedException("Organisation", "You cannot suspend your own organisation: you would lose access to this page.");
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new ValidationFailedException("Organisation", "There is no such organisation.");
        if ((organisation.SuspendedAt is not null) == suspended) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        organisation.SuspendedAt = suspended ? clock.GetUtcNow() : null;
        await db.SaveChangesAsync(ct);
        // Ending their sign-in sessions signs the members out of open pages too (each page checks its session every minute).
        if (suspended)
            await db.SignInSessions.Where(s => db.Users.Any(u => u.Id == s.UserId && u.OrganisationId == organisationId)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Deletes an organisation and every row that belongs to it (<see cref="OrganisationData"/>: its members, scenarios,
    /// sessions, results, audit log…), in one transaction. Its data is first exported, in the same transaction, to a zip of
    /// JSON files (one per table) in the data directory; every table must lose exactly the rows exported, or nothing is
    /// deleted. Only a suspended organisation (its members are signed out and nothing changes under the export), never the
    /// Operator's own, and only when <paramref name="typedName"/> repeats its name. Recorded in the Operator's audit log.
    /// </summary>
    public async Task<DeletedOrganisation> DeleteAsync(Guid organisationId, string typedName, CancellationToken ct = default)
    {
        var caller = await RequireOperatorAsync(ct);
        if (organisationId == caller.OrganisationId)
            throw new ValidationFailedException("Organisation", "You cannot delete your own organisation.");
        await using var db = await tenantDb.OpenAsSystemAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new ValidationFailedException("Organisation", "There is no such organisation.");
        if (organisation.SuspendedAt is null)
            throw new ValidationFailedException("Organisation", "Suspend the organisation before deleting it: its members are signed out first.");
        if (!string.Equals(typedName?.Trim(), organisation.Name, StringComparison.Ordinal))
            throw new ValidationFailedException("ConfirmName", $"Type the organisation's name, {organisation.Name}, to confirm.");

        var data = OrganisationData.Of(db);
        var now = clock.GetUtcNow();
        Directory.CreateDirectory(dataDirectory.DeletedOrganisations);
        var fileName = ArchiveName(organisation, now);
        var path = Path.Combine(dataDirectory.DeletedOrganisations, fileName);
        var partial = path + ".partial";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            IReadOnlyList<TableRows> exported;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
                exported = await data.ExportAsync(db, organisationId, file, ct);
            // Export, delete and this check see the same rows (one transaction): nothing left means every exported row is gone.
            await data.DeleteAsync(db, organisationId, ct);
            var left = (await data.CountAsync(db, organisationId, ct)).Where(t => t.Rows > 0).ToList();
            if (left.Count > 0)
                throw new InvalidOperationException("The organisation was not deleted: " +
                    string.Join("; ", left.Select(t => $"{t.Table} still holds {t.Rows} rows")));

            var total = exported.Sum(t => t.Rows);
            audit.Record(db, caller, AuditAction.Delete, new AuditSubject("Organisation", organisationId.ToString(), organisation.Name),
                $"Deleted the organisation {organisation.Name} and its {total:N0} rows; its data was exported first to {fileName}");
            await db.SaveChangesAsync(ct);
            File.Move(partial, path);
            await tx.CommitAsync(ct);
            return new DeletedOrganisation(organisation.Name, fileName, exported);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>The archives of deleted organisations, newest first.</summary>
    public async Task<IReadOnlyList<OrganisationArchive>> ListArchivesAsync(CancellationToken ct = default)
    {
        await RequireOperatorAsync(ct);
        var folder = new DirectoryInfo(dataDirectory.DeletedOrganisations);
        if (!folder.Exists) return [];
        return folder.EnumerateFiles("*.zip").OrderByDescending(f => f.CreationTimeUtc)
            .Select(f => new OrganisationArchive(f.Name, f.Length, f.CreationTimeUtc)).ToList();
    }

    /// <summary>One archive to download, by the name <see cref="ListArchivesAsync"/> gives (nothing outside its folder).</summary>
    public async Task<FileInfo> ArchiveAsync(string fileName, CancellationToken ct = default)
    {
        await RequireOperatorAsync(ct);
        var file = new FileInfo(Path.Combine(dataDirectory.DeletedOrganisations, Path.GetFileName(fileName)));
        return Path.GetFileName(fileName) == fileName && file.Extension == ".zip" && file.Exists
            ? file
            : throw new ValidationFailedException("File", "There is no such archive.");
    }

    private static string ArchiveName(Organisation organisation, DateTimeOffset now)
    {
        var name = new string(organisation.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
        name = string.Join('-', name.Split('-', StringSplitOptions.RemoveEmptyEntries));
        return $"{(name.Length > 40 ? name[..40] : name)}-{now:yyyyMMdd-HHmmss}-{organisation.Id.ToString("N")[..8]}.zip";
    }
}

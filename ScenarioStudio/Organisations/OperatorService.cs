using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
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

/// <summary>A new organisation and the single-use link that makes its first Admin (shown once, like any invitation).</summary>
public sealed record CreatedOrganisation(Guid Id, CreatedInvitation AdminInvitation);

/// <summary>
/// The host-level work of an install with several organisations: list them with their usage, create one and invite its
/// first Admin, suspend and resume one. Only Operators (<see cref="OperatorOptions"/>); every call checks it here.
/// </summary>
public sealed class OperatorService(CurrentUser currentUser, TenantDb tenantDb, IOptionsMonitor<OperatorOptions> options, TimeProvider clock,
    IServiceProvider services, AuditTrail audit)
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
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var invitation = new Invitation
        {
            OrganisationId = organisation.Id, TokenHash = MemberService.HashToken(token), Role = OrgRole.Admin, Email = adminEmail,
            CreatedById = caller.UserId, CreatedAt = now, ExpiresAt = now.AddDays(AdminInvitationDays),
        };
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
}

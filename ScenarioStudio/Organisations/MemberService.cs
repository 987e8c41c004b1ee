using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;

namespace ScenarioStudio.Organisations;

public sealed record MemberRow(string Id, string DisplayName, string Email, OrgRole Role, bool IsActive, bool IsLockedOut, bool TwoFactorEnabled,
    DateTimeOffset CreatedAt);

public sealed record InvitationRow(Guid Id, OrgRole Role, string? Email, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? AcceptedAt, DateTimeOffset? RevokedAt)
{
    public string State(DateTimeOffset now) =>
        AcceptedAt is not null ? "Accepted" : RevokedAt is not null ? "Revoked" : ExpiresAt <= now ? "Expired" : "Open";
}

/// <summary>A new invitation: the raw token exists only here, to be put in the link shown once to the Admin.</summary>
public sealed record CreatedInvitation(Guid Id, string Token, DateTimeOffset ExpiresAt)
{
    public string RelativeLink => $"Account/Register?invitation={Token}";
}

/// <summary>
/// Members of the caller's organisation: invitations, roles, deactivation, password-reset links. Admins only. Every
/// change is recorded in the audit log in the transaction that makes it.
/// </summary>
public sealed class MemberService(CurrentUser currentUser, TenantDb tenantDb, IServiceScopeFactory scopes, TimeProvider clock, AuditTrail audit)
{
    public const int MaxInvitationDays = 30;

    public async Task<IReadOnlyList<MemberRow>> ListAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(ct);
        return users.Select(u => new MemberRow(u.Id, u.DisplayName, u.Email ?? "", u.Role, u.IsActive,
            u.LockoutEnd > now, u.TwoFactorEnabled, u.CreatedAt)).ToList();
    }

    public async Task<CreatedInvitation> InviteAsync(OrgRole role, string? email, int validDays = 7, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        var errors = new FieldErrors()
            .Check(Enum.IsDefined(role), "Role", "Choose a role.")
            .Check(validDays is >= 1 and <= MaxInvitationDays, "ValidDays", $"An invitation is valid for 1 to {MaxInvitationDays} days.")
            .Check(email is null || (email.Length <= 256 && email.Contains('@') && !email.StartsWith('@') && !email.EndsWith('@')),
                "Email", "Enter a valid e-mail address or leave it empty.");
        errors.ThrowIfAny();

        await using var db = await tenantDb.OpenAsync(caller, ct);
        if (email is not null && await db.Users.IgnoreQueryFilters().AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant(), ct))
            throw new ValidationFailedException("Email", "An account with this e-mail address already exists.");

        var (invitation, token) = Invitation.Create(caller.OrganisationId, role, email, caller.UserId, clock.GetUtcNow(), validDays);
        db.Invitations.Add(invitation);
        audit.Record(db, caller, AuditAction.Invitation, InvitationSubject(invitation),
            $"Invited {email ?? "anyone with the link"} as {role.DisplayName()}, valid for {validDays} {(validDays == 1 ? "day" : "days")}",
            AuditTrail.Diff(("Role", null, role.DisplayName()), ("E-mail", null, email), ("Expires", null, invitation.ExpiresAt.ToString("u"))));
        await db.SaveChangesAsync(ct);
        return new CreatedInvitation(invitation.Id, token, invitation.ExpiresAt);
    }

    public async Task<IReadOnlyList<InvitationRow>> ListInvitationsAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Invitations.AsNoTracking()
            .OrderByDescending(i => i.CreatedAt)
            .Take(200)
            .Select(i => new InvitationRow(i.Id, i.Role, i.Email,
                db.Users.Where(u => u.Id == i.CreatedById).Select(u => u.DisplayName).FirstOrDefault() ?? "",
                i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt))
            .ToListAsync(ct);
    }

    public async Task RevokeInvitationAsync(Guid invitationId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct)
            ?? throw new ForbiddenException("This invitation does not exist in your organisation.");
        if (invitation.AcceptedAt is not null)
            throw new ValidationFailedException("Invitation", "This invitation has already been accepted.");
        if (invitation.RevokedAt is not null) return;
        invitation.RevokedAt = clock.GetUtcNow();
        audit.Record(db, caller, AuditAction.Invitation, InvitationSubject(invitation),
            $"Revoked the invitation for {invitation.Email ?? "anyone with the link"} as {invitation.Role.DisplayName()}",
            [new FieldChange("State", "Open", "Revoked")]);
        await db.SaveChangesAsync(ct);
    }

    public async Task ChangeRoleAsync(string userId, OrgRole role, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        if (!Enum.IsDefined(role)) throw new ValidationFailedException("Role", "Choose a role.");
        await UpdateMemberAsync(caller, userId, user =>
        {
            if (user.Role == OrgRole.Admin && role != OrgRole.Admin) return "demote";
            return null;
        }, user =>
        {
            if (user.Role == role) return null;
            var before = user.Role;
            user.Role = role;
            return new(AuditAction.RoleChange, $"Changed {user.DisplayName}'s role from {before.DisplayName()} to {role.DisplayName()}",
                [new FieldChange("Role", before.DisplayName(), role.DisplayName())]);
        }, ct);
    }

    public async Task SetActiveAsync(string userId, bool active, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        if (!active && userId == caller.UserId)
            throw new ValidationFailedException("Member", "You cannot deactivate your own account.");
        await UpdateMemberAsync(caller, userId, user => user.Role == OrgRole.Admin && user.IsActive && !active ? "deactivate" : null, user =>
        {
            if (user.IsActive == active) return null;
            user.IsActive = active;
            return active
                ? new(AuditAction.Reactivation, $"Reactivated {user.DisplayName}", [new FieldChange("Status", "Deactivated", "Active")])
                : new(AuditAction.Deactivation, $"Deactivated {user.DisplayName} and signed them out", [new FieldChange("Status", "Active", "Deactivated")]);
        }, ct);
    }

    /// <summary>Ends every session of the member on every device (a new security stamp); their next request asks them to sign in.</summary>
    public async Task SignOutEverywhereAsync(string userId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        await UpdateMemberAsync(caller, userId, _ => null,
            user => new(AuditAction.Update, $"Signed {user.DisplayName} out on every device", []), ct);
    }

    /// <summary>What a change to a member did, for the audit log; null when it changed nothing.</summary>
    private sealed record MemberChange(AuditAction Action, string Summary, List<FieldChange> Changes);

    /// <summary>
    /// Applies a change to one member in a transaction that also checks the organisation keeps an active Admin, and
    /// records what it did in the audit log in the same transaction.
    /// </summary>
    private async Task UpdateMemberAsync(Caller caller, string userId, Func<ApplicationUser, string?> removesAdmin,
        Func<ApplicationUser, MemberChange?> change, CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct)
            ?? throw new ForbiddenException("This member does not exist in your organisation.");
        if (removesAdmin(user) is { } action)
        {
            var activeAdmins = await db.Users.CountAsync(u => u.Role == OrgRole.Admin && u.IsActive, ct);
            if (activeAdmins <= 1)
                throw new ValidationFailedException("Member", $"You cannot {action} the last Admin. Make another member an Admin first.");
        }
        if (change(user) is { } done)
            audit.Record(db, caller, done.Action, new AuditSubject(AuditSubjects.Member, user.Id, user.DisplayName), done.Summary, done.Changes);
        // A new security stamp signs the member out everywhere at the next revalidation.
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>No e-mail server is assumed: the Admin hands this link to the member. Valid for a day, single use.</summary>
    public async Task<string> CreatePasswordResetLinkAsync(string userId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageMembers, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct)
            ?? throw new ForbiddenException("This member does not exist in your organisation.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new ForbiddenException("This member does not exist.");
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        // The link changes nothing stored, but whoever holds it can take over the account: who asked for one is kept.
        audit.Record(db, caller, AuditAction.Update, new AuditSubject(AuditSubjects.Member, userId, name), $"Created a password reset link for {name}");
        await db.SaveChangesAsync(ct);
        return $"Account/ResetPassword?userId={Uri.EscapeDataString(userId)}&code={code}";
    }

    internal static AuditSubject InvitationSubject(Invitation i) =>
        new(AuditSubjects.Invitation, i.Id.ToString(), $"Invitation for {i.Email ?? "anyone with the link"} ({i.Role.DisplayName()})");

}

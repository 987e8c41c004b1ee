using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Account;

public enum SignUpMode { FirstRun, Invited, InvitationInvalid, Closed }

public sealed record SignUpState(SignUpMode Mode, string? OrganisationName = null, OrgRole? Role = null, string? Email = null, string? Message = null);

public sealed record SignUpRequest(string Email, string DisplayName, string Password, string? OrganisationName, string? InvitationToken);

/// <summary>
/// The joining rules: on an empty database the first account creates the organisation and becomes its Admin;
/// after that an account is created only through an open invitation. Everything happens in one transaction.
/// </summary>
public sealed class SignUpService(SystemDbContext db, UserManager<ApplicationUser> users, ScenarioLibrary library, TimeProvider clock)
{
    public const string ClosedMessage = "Sign-up is by invitation only. Ask an Admin of your organisation for an invitation link.";

    public async Task<SignUpState> GetStateAsync(string? invitationToken, CancellationToken ct = default)
    {
        if (!await db.Organisations.AnyAsync(ct)) return new SignUpState(SignUpMode.FirstRun);
        if (string.IsNullOrWhiteSpace(invitationToken)) return new SignUpState(SignUpMode.Closed, Message: ClosedMessage);
        var (invitation, problem) = await FindInvitationAsync(invitationToken, ct);
        if (invitation is null) return new SignUpState(SignUpMode.InvitationInvalid, Message: problem);
        var orgName = await db.Organisations.Where(o => o.Id == invitation.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        return new SignUpState(SignUpMode.Invited, orgName, invitation.Role, invitation.Email);
    }

    public async Task<ApplicationUser> RegisterAsync(SignUpRequest request, CancellationToken ct = default)
    {
        var email = request.Email.Trim();
        var displayName = request.DisplayName.Trim();
        var errors = new FieldErrors()
            .Check(displayName.Length is >= 2 and <= 100, nameof(request.DisplayName), "Your name must be 2 to 100 characters.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var firstRun = !await db.Organisations.AnyAsync(ct);
        ApplicationUser user;
        Invitation? invitation = null;
        if (firstRun)
        {
            var orgName = request.OrganisationName?.Trim() ?? "";
            errors.Check(orgName.Length is >= 2 and <= Branding.MaxNameLength, nameof(request.OrganisationName),
                $"Name your organisation (2 to {Branding.MaxNameLength} characters).");
            errors.ThrowIfAny();
            var org = new Organisation { Name = orgName };
            db.Organisations.Add(org);
            await db.SaveChangesAsync(ct);
            user = new ApplicationUser { OrganisationId = org.Id, Role = OrgRole.Admin };
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.InvitationToken))
                throw new ValidationFailedException("Invitation", ClosedMessage);
            (invitation, var problem) = await FindInvitationAsync(request.InvitationToken, ct);
            if (invitation is null) throw new ValidationFailedException("Invitation", problem!);
            if (invitation.Email is not null && !string.Equals(invitation.Email, email, StringComparison.OrdinalIgnoreCase))
                errors.Add(nameof(request.Email), $"This invitation is for {invitation.Email}.");
            errors.ThrowIfAny();
            user = new ApplicationUser { OrganisationId = invitation.OrganisationId, Role = invitation.Role };
        }

        user.DisplayName = displayName;
        user.UserName = email;
        user.Email = email;
        user.EmailConfirmed = true; // no e-mail server is assumed; the invitation (or first run) is the proof
        var result = await users.CreateAsync(user, request.Password);
        if (!result.Succeeded) throw new ValidationFailedException(IdentityErrorsByField(result.Errors));

        if (firstRun)
        {
            // A new organisation starts with the seeded scenario library.
            await library.SeedAsync(db, user.OrganisationId, user.Id, ct);
        }
        if (invitation is not null)
        {
            invitation.AcceptedAt = clock.GetUtcNow();
            invitation.AcceptedById = user.Id;
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return user;
    }

    private async Task<(Invitation? Invitation, string? Problem)> FindInvitationAsync(string token, CancellationToken ct)
    {
        var hash = MemberService.HashToken(token.Trim());
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        var now = clock.GetUtcNow();
        return invitation switch
        {
            null => (null, "This invitation link is not valid. Check that you copied the whole link."),
            { AcceptedAt: not null } => (null, "This invitation link has already been used. Ask your Admin for a new one."),
            { RevokedAt: not null } => (null, "This invitation was withdrawn. Ask your Admin for a new one."),
            _ when invitation.ExpiresAt <= now => (null, "This invitation link has expired. Ask your Admin for a new one."),
            _ => (invitation, null),
        };
    }

    internal static Dictionary<string, string[]> IdentityErrorsByField(IEnumerable<IdentityError> errors) =>
        errors.GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) || e.Code == CommonPasswordValidator.Code ? "Password"
                : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "Email" : "Form")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
                ? "An account with this e-mail address already exists." : e.Description).Distinct().ToArray());
}

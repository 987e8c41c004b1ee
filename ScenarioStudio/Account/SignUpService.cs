using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;

namespace ScenarioStudio.Account;

public enum SignUpMode { FirstRun, Invited, InvitationInvalid, Closed }

public sealed record SignUpState(SignUpMode Mode, string? OrganisationName = null, OrgRole? Role = null, string? Email = null, string? Message = null);

public sealed record SignUpRequest(string Email, string DisplayName, string Password, string? OrganisationName, string? InvitationToken);

/// <summary>
/// The joining rules: on an empty database the first account creates the organisation and becomes its Admin;
/// after that an account is created only through an open invitation. Everything happens in one transaction.
/// </summary>
public sealed class SignUpService(SystemDbContext db, UserManager<ApplicationUser> users, ScenarioLibrary library, TimeProvider clock,
    AuditTrail audit)
{
    public const string ClosedMessage = "Sign-up is by invitation only. Ask an Admin of your organisation for an invitation link.";
    public const string UsedMessage = "This invitation link has already been used. Ask your Admin for a new one.";
    public const string BusyMessage = "Many people are joining at this moment. Wait a few seconds and try again.";

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
        try
        {
            return await CreateAccountAsync(request, ct);
        }
        catch (Exception ex) when (SqlDialect.Of(db.Database).IsBusy(ex))
        {
            // SQLite serialises writers and waits up to its busy timeout; past it, a racer is refused in words, not with a crash.
            var problem = request.InvitationToken is { } token ? (await FindInvitationAsync(token, ct)).Problem : null;
            throw new ValidationFailedException("Invitation", problem ?? BusyMessage);
        }
    }

    private async Task<ApplicationUser> CreateAccountAsync(SignUpRequest request, CancellationToken ct)
    {
        var email = request.Email.Trim();
        var displayName = request.DisplayName.Trim();
        var errors = new FieldErrors()
            .Check(displayName.Length is >= 2 and <= 100, nameof(request.DisplayName), "Your name must be 2 to 100 characters.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two sign-ups racing (the first run, one invitation) are taken one after the other; SQLite's writer lock does it alone.
        await SqlDialect.Of(db.Database).LockAsync(db, "sign-up", ct);
        var firstRun = !await db.Organisations.AnyAsync(ct);
        ApplicationUser user;
        Invitation? accepted = null;
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
            var (invitation, problem) = await FindInvitationAsync(request.InvitationToken, ct);
            if (invitation is null) throw new ValidationFailedException("Invitation", problem!);
            if (invitation.Email is not null && !string.Equals(invitation.Email, email, StringComparison.OrdinalIgnoreCase))
                errors.Add(nameof(request.Email), $"This invitation is for {invitation.Email}.");
            errors.ThrowIfAny();
            user = new ApplicationUser { OrganisationId = invitation.OrganisationId, Role = invitation.Role };
            // Claimed before the account exists, by a conditional update the database decides: of several people posting
            // one link at once exactly one changes the row, the others are refused. Creating the account in the same
            // transaction: if that fails (a refused password), the claim is rolled back with it.
            var now = clock.GetUtcNow();
            var claimed = await db.Invitations.Where(i => i.Id == invitation.Id).Where(Invitation.OpenAt(now))
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedById, user.Id), ct);
            if (claimed == 0)
                throw new ValidationFailedException("Invitation", (await FindInvitationAsync(request.InvitationToken, ct)).Problem ?? UsedMessage);
            accepted = invitation;
        }

        user.DisplayName = displayName;
        user.UserName = email;
        user.Email = email;
        user.EmailConfirmed = true; // no e-mail server is assumed; the invitation (or first run) is the proof
        var result = await users.CreateAsync(user, request.Password);
        if (!result.Succeeded) throw new ValidationFailedException(IdentityErrorsByField(result.Errors));

        // The new member is the one acting: they accepted the invitation (or created the organisation).
        var self = new Caller(user.Id, user.OrganisationId, user.Role, user.DisplayName);
        var member = new AuditSubject(AuditSubjects.Member, user.Id, user.DisplayName);
        if (accepted is not null)
            audit.Record(db, self, AuditAction.Invitation, member, $"{user.DisplayName} accepted an invitation and joined as {user.Role.DisplayName()}",
                [new FieldChange("Invitation", accepted.Id.ToString(), "Accepted"), new FieldChange("Role", null, user.Role.DisplayName())]);
        else
            audit.Record(db, self, AuditAction.Create, new AuditSubject(AuditSubjects.Organisation, user.OrganisationId.ToString(),
                request.OrganisationName!.Trim()), $"{user.DisplayName} created the organisation and became its first Admin");
        await db.SaveChangesAsync(ct);

        if (firstRun)
        {
            // A new organisation starts with the default categories and the seeded scenario library.
            await CategoryService.EnsureAsync(db, user.OrganisationId, CategoryDefaults.Names, clock.GetUtcNow(), ct);
            await library.SeedAsync(db, user.OrganisationId, user.Id, ct);
        }
        await tx.CommitAsync(ct);
        return user;
    }

    private async Task<(Invitation? Invitation, string? Problem)> FindInvitationAsync(string token, CancellationToken ct)
    {
        var hash = Invitation.HashToken(token.Trim());
        // Not tracked: a copy read earlier in this scope (the page reads the state first) would hide a later acceptance.
        var invitation = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        var now = clock.GetUtcNow();
        return invitation switch
        {
            null => (null, "This invitation link is not valid. Check that you copied the whole link."),
            { AcceptedAt: not null } => (null, UsedMessage),
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

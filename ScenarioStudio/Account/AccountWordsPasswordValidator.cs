using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Account;

/// <summary>
/// ASVS 5.0 V6.2.11: a password must not contain the words of its own account: the full e-mail address, the part before
/// the @, the display name and the organisation's name (each with and without spaces), compared case-insensitively.
/// The one rule for sign-up, invitation, reset and change of password: Identity runs every password validator for each.
/// On a first sign-up the organisation is created in the same transaction just before the account, so it is found here.
/// </summary>
public sealed class AccountWordsPasswordValidator(SystemDbContext db) : IPasswordValidator<ApplicationUser>
{
    public const string Code = "PasswordContainsAccountWords";
    /// <summary>Shorter words turn up in too many passwords by chance ("al" in "always").</summary>
    public const int MinWordLength = 3;

    public async Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return IdentityResult.Success;
        var organisationName = user.Organisation?.Name
            ?? await db.Organisations.Where(o => o.Id == user.OrganisationId).Select(o => o.Name).SingleOrDefaultAsync();
        return Find(password, user.Email, user.DisplayName, organisationName) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = Code, Description = problem })
            : IdentityResult.Success;
    }

    /// <summary>Why the password is refused (a message for the password field), or null when it holds none of the words.</summary>
    public static string? Find(string password, string? email, string? displayName, string? organisationName)
    {
        var localPart = email?.Split('@')[0];
        (string? Word, string Message)[] words =
        [
            (email, "Your password must not contain your e-mail address."),
            (displayName, $"Your password must not contain your name (“{displayName?.Trim()}”), with or without spaces."),
            (organisationName, $"Your password must not contain your organisation's name (“{organisationName?.Trim()}”), with or without spaces."),
            // Last: the shortest word, and the least specific message when a longer one above holds it too.
            (localPart, $"Your password must not contain the part of your e-mail address before the @ (“{localPart}”)."),
        ];
        var compactPassword = WithoutSpaces(password);
        foreach (var (word, message) in words)
        {
            if (string.IsNullOrWhiteSpace(word)) continue;
            var trimmed = word.Trim();
            var compact = WithoutSpaces(trimmed);
            if ((trimmed.Length >= MinWordLength && password.Contains(trimmed, StringComparison.OrdinalIgnoreCase)) ||
                (compact.Length >= MinWordLength && compactPassword.Contains(compact, StringComparison.OrdinalIgnoreCase)))
                return message;
        }
        return null;
    }

    private static string WithoutSpaces(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}

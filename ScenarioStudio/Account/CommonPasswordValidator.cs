using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace ScenarioStudio.Account;

/// <summary>
/// ASVS 5.0 password checks beyond length: refuse passwords from a list of common ones (also when only
/// digits or symbols were added around a listed word). The account's own words are <see cref="AccountWordsPasswordValidator"/>'s.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<ApplicationUser>
{
    public const string Code = "PasswordTooCommon";
    public const int MinLength = 10;
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        if (password.Length > MaxLength)
            return Fail($"Use at most {MaxLength} characters.");
        if (IsCommon(password))
            return Fail("This password is too common and easy to guess. Try a longer phrase of unrelated words.");
        return Task.FromResult(IdentityResult.Success);
    }

    internal static bool IsCommon(string password)
    {
        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower)) return true;
        // "password2024!", "!!qwertyuiop" and the like: a listed word padded with digits and symbols.
        var core = lower.Trim("0123456789!@#$%^&*?._-+= ".ToCharArray());
        if (core.Length >= 4 && Common.Value.Contains(core)) return true;
        // A single repeated character or a run such as "1234567890" / "abcdefghij".
        if (lower.Distinct().Count() <= 2) return true;
        return IsSequence(lower);
    }

    private static bool IsSequence(string s)
    {
        var up = true; var down = true;
        for (var i = 1; i < s.Length; i++)
        {
            up &= s[i] == s[i - 1] + 1;
            down &= s[i] == s[i - 1] - 1;
        }
        return up || down;
    }

    private static Task<IdentityResult> Fail(string message) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = Code, Description = message }));

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The embedded common-passwords.txt list is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim().ToLowerInvariant();
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line);
        }
        return set;
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class PasswordPolicyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<IdentityResult> CreateAsync(string password, string email = "pat@example.test", string name = "Pat Doe")
    {
        await using var scope = db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var org = Guid.NewGuid();
        var user = new ApplicationUser { OrganisationId = org, DisplayName = name, Email = email, UserName = email, Role = OrgRole.Learner };
        // Validate only: the policy is what is under test, not the write.
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded) errors.AddRange(result.Errors);
        }
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    [Theory]
    [InlineData("ninechars")]              // under 10
    [InlineData("password123")]            // listed
    [InlineData("Password2024!")]          // listed word padded with digits and symbols
    [InlineData("qwertyuiop")]             // keyboard walk
    [InlineData("1234567890")]             // sequence
    [InlineData("aaaaaaaaaaaa")]           // one repeated character
    [InlineData("ScenarioStudio1")]        // the product's own name
    public async Task Weak_passwords_are_refused(string password) =>
        Assert.False((await CreateAsync(password)).Succeeded);

    [Theory]
    [InlineData("violet kettle harbour")]  // lower-case words only: no composition rules
    [InlineData("tenletters")]
    public async Task Long_passwords_without_composition_rules_are_accepted(string password) =>
        Assert.True((await CreateAsync(password)).Succeeded);

    [Fact]
    public async Task A_passphrase_of_at_least_64_characters_is_allowed()
    {
        var passphrase = "the quiet orange tram climbs past seven bakeries before the harbour wakes";
        Assert.True(passphrase.Length >= 64);
        Assert.True((await CreateAsync(passphrase)).Succeeded);
    }

    [Fact]
    public async Task A_password_containing_the_email_name_is_refused() =>
        Assert.False((await CreateAsync("patricia-rules-the-world", email: "patricia@example.test")).Succeeded);

    [Fact]
    public void Identity_requires_ten_characters_and_locks_out_after_five_failures()
    {
        var options = db.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        Assert.Equal(10, options.Password.RequiredLength);
        Assert.False(options.Password.RequireDigit || options.Password.RequireUppercase
            || options.Password.RequireNonAlphanumeric || options.Password.RequireLowercase);
        Assert.Equal(5, options.Lockout.MaxFailedAccessAttempts);
    }
}

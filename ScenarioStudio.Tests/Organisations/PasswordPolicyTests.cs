using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class PasswordPolicyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<IdentityResult> CreateAsync(string password, string email = "pat@example.test", string name = "Pat Doe",
        string? organisation = null)
    {
        await using var scope = db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var org = Guid.NewGuid();
        if (organisation is not null)
        {
            var system = scope.ServiceProvider.GetRequiredService<SystemDbContext>();
            system.Organisations.Add(new Organisation { Id = org, Name = organisation });
            await system.SaveChangesAsync();
        }
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

    [Theory]
    [InlineData("pat@peer.test is mine", "e-mail address")]               // the full e-mail address
    [InlineData("my PAT@PEER.TEST password", "e-mail address")]           // in any case
    [InlineData("hello from pat, 2026", "before the @ (“pat”)")]          // its local part
    [InlineData("Pat Policy 1 forever", "your name (“Pat Policy 1”)")]    // the display name with spaces
    [InlineData("patpolicy1 forever", "your name")]                       // and without
    [InlineData("PAT POLICY1 forever", "your name")]                      // or spaced differently
    [InlineData("peer review studio 2026", "organisation's name (“Peer Review Studio”)")]
    [InlineData("PeerReviewStudio rocks", "organisation's name")]
    public async Task A_password_containing_the_accounts_own_words_is_refused_with_a_message_for_the_field(string password, string says)
    {
        var result = await CreateAsync(password, email: "pat@peer.test", name: "Pat Policy 1", organisation: "Peer Review Studio");
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.Code == AccountWordsPasswordValidator.Code);
        Assert.Contains(says, error.Description);
        Assert.StartsWith("Your password must not contain", error.Description);
        Assert.Equal(["Password"], SignUpService.IdentityErrorsByField(result.Errors).Keys); // shown at the password field
    }

    [Fact]
    public async Task Words_of_another_account_or_organisation_are_not_refused() =>
        Assert.True((await CreateAsync("peer review studio 2026", email: "kim@other.test", name: "Kim Other", organisation: "Acme")).Succeeded);

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

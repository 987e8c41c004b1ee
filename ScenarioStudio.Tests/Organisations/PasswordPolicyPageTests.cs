using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// The account-words rule on every page that sets a password (first sign-up, invitation, reset, change), over HTTP against
/// the real app: each refusal is shown under the field that holds the new password.
/// </summary>
public sealed partial class PasswordPolicyPageTests : IDisposable
{
    private const string Good = "copper lantern meadow 7";
    private readonly TestApp factory = new(new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "1000" });

    [Fact]
    public async Task First_signup_refuses_a_password_holding_the_organisation_name_typed_in_the_same_form()
    {
        var client = NewClient();
        var page = await PostFormAsync(client, "/Account/Register", "register", new()
        {
            ["Input.OrganisationName"] = "Peer Review Studio", ["Input.DisplayName"] = "Pat Policy 1", ["Input.Email"] = "pat@peer.test",
            ["Input.Password"] = "peerreviewstudio 2026", ["Input.ConfirmPassword"] = "peerreviewstudio 2026",
        });
        AssertUnderField(page, "Input.Password", "Input.ConfirmPassword", "Your password must not contain your organisation's name");
    }

    [Fact]
    public async Task An_invited_signup_refuses_a_password_holding_the_persons_own_name()
    {
        var token = await AdminInvitesAsync();
        var page = await PostFormAsync(NewClient(), $"/Account/Register?invitation={token}", "register", new()
        {
            ["Input.Invitation"] = token, ["Input.DisplayName"] = "Pat Policy 1", ["Input.Email"] = "pat@peer.test",
            ["Input.Password"] = "Pat Policy 1 forever", ["Input.ConfirmPassword"] = "Pat Policy 1 forever",
        });
        AssertUnderField(page, "Input.Password", "Input.ConfirmPassword", "Your password must not contain your name (“Pat Policy 1”)");
    }

    [Fact]
    public async Task A_password_reset_refuses_the_accounts_email_address()
    {
        await AdminInvitesAsync();
        string userId, code;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var admin = (await users.FindByEmailAsync("ada@peer.test"))!;
            (userId, code) = (admin.Id, WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(admin))));
        }
        var client = NewClient();
        var form = await client.GetStringAsync($"/Account/ResetPassword?code={code}&userId={userId}");
        var page = await PostFormAsync(client, $"/Account/ResetPassword?code={code}&userId={userId}", "reset-password", new()
        {
            ["Input.Code"] = Hidden(form, "Input.Code"), ["Input.UserId"] = userId,
            ["Input.Password"] = "ADA@PEER.TEST again", ["Input.ConfirmPassword"] = "ADA@PEER.TEST again",
        });
        AssertUnderField(page, "Input.Password", "Input.ConfirmPassword", "Your password must not contain your e-mail address.");
    }

    [Fact]
    public async Task Changing_a_password_refuses_the_organisation_name_without_spaces()
    {
        await AdminInvitesAsync();
        var client = NewClient();
        var signIn = await PostFormAsync(client, "/Account/Login", "login", new() { ["Input.Email"] = "ada@peer.test", ["Input.Password"] = Good },
            HttpStatusCode.Redirect);
        Assert.NotNull(signIn);
        var page = await PostFormAsync(client, "/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = Good, ["Input.NewPassword"] = "PeerReviewStudio forever", ["Input.ConfirmPassword"] = "PeerReviewStudio forever",
        });
        AssertUnderField(page, "Input.NewPassword", "Input.ConfirmPassword", "Your password must not contain your organisation's name");
    }

    private HttpClient NewClient() => factory.NewClient();

    /// <summary>Loads the form (for its antiforgery token), posts it and returns the decoded page.</summary>
    private static async Task<string> PostFormAsync(HttpClient client, string url, string formName, Dictionary<string, string> fields,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        var form = await client.GetStringAsync(url);
        fields["_handler"] = formName;
        fields["__RequestVerificationToken"] = Hidden(form, "__RequestVerificationToken");
        var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        Assert.Equal(expected, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static string Hidden(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    /// <summary>The message sits after the field's input and before the next field's: where the field shows its validation.</summary>
    private static void AssertUnderField(string page, string field, string nextField, string message)
    {
        var start = page.IndexOf($"id=\"{field}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The page has no field {field}.");
        var at = page.IndexOf(message, start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"The page does not say \"{message}\" at {field}.");
        Assert.True(at < page.IndexOf($"id=\"{nextField}\"", StringComparison.Ordinal), $"\"{message}\" is not under {field}.");
    }

    private async Task<string> AdminInvitesAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest("ada@peer.test", "Ada Admin", Good, "Peer Review Studio", null));
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(admin);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return (await scope.ServiceProvider.GetRequiredService<MemberService>().InviteAsync(OrgRole.Learner, null)).Token;
    }

    public void Dispose() => factory.Dispose();
}

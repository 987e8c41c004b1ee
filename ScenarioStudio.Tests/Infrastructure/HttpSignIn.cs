using System.Net;
using System.Text.RegularExpressions;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>The real sign-in and sign-out forms posted over HTTP with their antiforgery tokens, as a browser does.</summary>
public static partial class HttpSignIn
{
    /// <summary>Signs in; the client keeps the cookie. Returns the sign-in cookie as "name=value", for a test to copy it.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var post = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden(form, "__RequestVerificationToken"),
            ["_handler"] = Hidden(form, "_handler"),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.DoesNotContain("Login", post.Headers.Location!.ToString());
        return post.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("ScenarioStudio.Auth=", StringComparison.Ordinal));
    }

    /// <summary>Presses Sign out on <paramref name="page"/> (the account pages render the form on the server).</summary>
    public static async Task SignOutAsync(HttpClient client, string page = "/Account/Manage")
    {
        var html = await client.GetStringAsync(page);
        var post = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Hidden(html, "__RequestVerificationToken"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
    }

    /// <summary>The value of the first hidden input named <paramref name="name"/>.</summary>
    public static string Hidden(string html, string name) => WebUtility.HtmlDecode(HiddenInput().Matches(html).Select(m => m.Value)
        .Where(i => i.Contains($"name=\"{name}\"", StringComparison.Ordinal)).Select(i => ValueAttribute().Match(i).Groups[1].Value).First());

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// Ten people post the sign-up form for one invitation link at the same moment, over HTTP against the real app (real SQLite
/// file, real Identity stores): exactly one account is made and the nine others see the page say the link was used.
/// </summary>
public sealed partial class InvitationRaceTests : IDisposable
{
    private readonly TestApp factory = new(new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "1000" });

    [Fact]
    public async Task Ten_simultaneous_posts_of_one_invitation_make_one_account_and_nine_pages_saying_it_was_used()
    {
        var token = await AdminInvitesALearnerAsync();

        // Each racer is its own browser: its own cookies and antiforgery token, the form loaded before anyone posts.
        var racers = new List<(HttpClient Client, string Antiforgery)>();
        for (var i = 0; i < 10; i++)
        {
            var client = factory.NewClient();
            var form = await client.GetStringAsync($"/Account/Register?invitation={token}");
            racers.Add((client, AntiforgeryField().Match(form).Groups[1].Value));
        }
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = racers.Select((r, i) => Task.Run(async () =>
        {
            await start.Task;
            var response = await r.Client.PostAsync("/Account/Register", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "register", ["__RequestVerificationToken"] = r.Antiforgery, ["Input.Invitation"] = token,
                ["Input.DisplayName"] = $"Racer {i}", ["Input.Email"] = $"racer{i}@acme.test",
                ["Input.Password"] = "copper lantern meadow 7", ["Input.ConfirmPassword"] = "copper lantern meadow 7",
            }));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(posts);

        Assert.Single(outcomes, o => o.StatusCode == HttpStatusCode.Redirect);
        Assert.All(outcomes.Where(o => o.StatusCode != HttpStatusCode.Redirect), o =>
        {
            Assert.Equal(HttpStatusCode.OK, o.StatusCode); // the page, not a bare 400 or 500
            Assert.Contains("This invitation link has already been used.", o.Body);
        });
        await using var db = await factory.Services.GetRequiredService<TenantDb>().OpenAsSystemAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email!.StartsWith("racer")));
        var winner = await db.Users.SingleAsync(u => u.Email!.StartsWith("racer"));
        Assert.Equal(winner.Id, (await db.Invitations.SingleAsync()).AcceptedById);
    }

    private async Task<string> AdminInvitesALearnerAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest("ada@acme.test", "Ada Admin", "copper lantern meadow 7", "Acme", null));
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(admin);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return (await scope.ServiceProvider.GetRequiredService<MemberService>().InviteAsync(OrgRole.Learner, null)).Token;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public void Dispose() => factory.Dispose();
}

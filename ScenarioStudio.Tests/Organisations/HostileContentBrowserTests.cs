using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// Issue 20.10: an organisation whose every free-text field holds a stored-XSS payload (its name, people's names, a
/// team, a scenario's title, description, persona, phases, criteria, a learner's answer), and every page that shows
/// them, in Chromium: no element, attribute, dialog or navigation comes from a payload, and the payloads read as text.
/// </summary>
[Collection("Browser")]
public sealed class HostileContentBrowserTests(AppFixture app)
{
    private static readonly string[] P = HostilePayloads.All;

    /// <summary>Elements and attributes only a payload would have made.</summary>
    private const string FindInjected = """
        () => {
            const found = [];
            const q = (sel, why) => document.querySelectorAll(sel).forEach(e => found.push(why + ': ' + e.outerHTML.slice(0, 120)));
            q('img[src="x"], [onerror], [onload], [onmouseover]', 'handler');
            q('meta[http-equiv]', 'meta');
            q('iframe, object, embed', 'frame');
            q('a[href^="javascript" i], a[href^="jav" i], a[href^="data:" i]', 'link');
            document.querySelectorAll('script').forEach(s => { if (s.textContent.includes('alert')) found.push('script'); });
            document.querySelectorAll('style').forEach(s => { if (s.textContent.includes('display:none')) found.push('style'); });
            if (getComputedStyle(document.body).display === 'none') found.push('hidden body');
            return found;
        }
        """;

    [Fact]
    public async Task Every_page_shows_hostile_names_and_texts_as_text()
    {
        var (admin, learner, scenarioId, sessionId) = await SeedAsync();

        var adminPages = new (string Path, string Shows)[]
        {
            ("/", P[5]), ("/scenarios", P[0]), ($"/scenarios/{scenarioId}", P[8]), ($"/scenarios/{scenarioId}/analytics", P[3]),
            ("/dashboard", P[6]), ("/admin/members", P[6]), ("/teams", P[2]), ("/admin/settings", P[5]),
            ($"/learners/{learner.Id}/sessions", P[0]), ($"/practice/{sessionId}", P[9]),
        };
        var learnerPages = new (string Path, string Shows)[]
        {
            ("/", P[5]), ("/progress", P[0]), ("/practice/history", P[0]), ($"/practice/{sessionId}", P[9]),
        };

        await VisitAsync(admin.Email!, adminPages);
        await VisitAsync(learner.Email!, learnerPages);
    }

    private async Task VisitAsync(string email, (string Path, string Shows)[] pages)
    {
        var page = await app.NewPageAsync(1366, 900);
        var dialogs = new List<string>();
        page.Dialog += (_, d) => { dialogs.Add(d.Message); _ = d.DismissAsync(); };
        await page.SignInAsync(email, AppFixture.Password);
        foreach (var (path, shows) in pages)
        {
            await page.GotoAsync(path);
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(shows, new() { Timeout = 15_000 });
            await page.WaitForTimeoutAsync(300); // a meta refresh of 0 s would have left by now

            Assert.Empty(await page.EvaluateAsync<string[]>(FindInjected));
            Assert.StartsWith(app.BaseUrl, page.Url, StringComparison.Ordinal);
            Assert.Empty(dialogs);
            await page.ScreenshotAsync("hostile" + path.Replace('/', '-'));
        }
        if (pages.Any(p => p.Path == "/admin/members"))
        {
            await page.SetViewportSizeAsync(375, 800);
            await page.GotoAsync("/admin/members");
            await page.WaitForCircuitAsync();
            await page.ScreenshotAsync("hostile-members-375");
        }
        Assert.Empty(app.PageErrors[page]);
    }

    private async Task<(ApplicationUser Admin, ApplicationUser Learner, int ScenarioId, Guid SessionId)> SeedAsync()
    {
        await app.PeopleAsync(); // the collection's own organisation comes first, through the first-run sign-up
        ApplicationUser admin, manager, learner;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SystemDbContext>();
            var org = new Organisation { Name = P[5] };
            db.Organisations.Add(org);
            await db.SaveChangesAsync();
            await CategoryService.EnsureAsync(db, org.Id, CategoryDefaults.Names, DateTimeOffset.UtcNow, default);
            admin = await AddAsync(scope, org.Id, OrgRole.Admin, P[7]);
            manager = await AddAsync(scope, org.Id, OrgRole.Manager, P[10]);
            learner = await AddAsync(scope, org.Id, OrgRole.Learner, P[6]);
        }

        var doc = ScenarioSamples.Publishable(P[0], phases: 2);
        doc.Slug = "hostile-" + Guid.NewGuid().ToString("N")[..8];
        doc.Description = $"{P[4]} {P[5]} [click](javascript:alert(1)) {P[8]}";
        doc.Persona.Name = P[1];
        doc.Persona.Role = P[3];
        doc.Context.LearnerBrief = string.Join(" ", P[6..9]);
        doc.Phases[0].Name = P[8];
        doc.Phases[0].CustomerOpening = P[9];
        doc.Phases[0].IdealResponse = P[10];
        doc.Phases[1].CustomerOpening = P[11];
        int[] criteria = [3, 1, 10, 4, 11];
        for (var i = 0; i < doc.Rubric.Count && i < criteria.Length; i++) doc.Rubric[i].Name = P[criteria[i]];

        int scenarioId;
        await using (var asAdmin = await app.AsAsync(admin.Email!))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(doc);
            await scenarios.Lifecycle.PublishAsync(scenarioId);
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput(P[2], manager.Id, [learner.Id]));
        }
        Guid sessionId;
        await using (var asLearner = await app.AsAsync(learner.Email!))
        {
            var practice = asLearner.Get<PracticeService>();
            sessionId = await practice.StartAsync(scenarioId);
            await practice.CompleteAsync(sessionId, _ => $"I understand. {P[1]} Let me suggest a pilot. {P[4]}");
        }
        return (admin, learner, scenarioId, sessionId);
    }

    private static async Task<ApplicationUser> AddAsync(AsyncServiceScope scope, Guid organisationId, OrgRole role, string name)
    {
        var email = $"hostile-{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@studio.test";
        var user = new ApplicationUser { OrganisationId = organisationId, Role = role, DisplayName = name, UserName = email, Email = email };
        var result = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, AppFixture.Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }
}

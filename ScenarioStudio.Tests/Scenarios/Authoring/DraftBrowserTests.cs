using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios.Authoring;

/// <summary>
/// A creator drafts a scenario with AI through the loopback OpenAI-compatible server. Its own app host (as the other
/// provider walk, KernelPracticeBrowserTests): the organisation's provider changes, which the shared host's tests must not see.
/// </summary>
public sealed class DraftBrowserTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private LoopbackOpenAiServer server = default!;

    public async Task InitializeAsync() => server = await LoopbackOpenAiServer.StartAsync();
    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task UseLoopbackProviderAsync(string adminEmail)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(adminEmail);
        await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync();
        // Each test has its own loopback server: the organisation's provider points at this one.
        var settings = await db.AiSettings.SingleOrDefaultAsync(s => s.OrganisationId == admin!.OrganisationId);
        if (settings is null) db.AiSettings.Add(settings = new OrganisationAiSettings { OrganisationId = admin!.OrganisationId });
        (settings.Provider, settings.Endpoint, settings.Model, settings.TimeoutSeconds) = (AiProvider.OpenAiCompatible, server.BaseUrl, "loopback-drafter", 30);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_creator_describes_watches_the_draft_fill_cancels_once_generates_again_edits_saves_and_tries_it()
    {
        var people = await app.PeopleAsync();
        await UseLoopbackProviderAsync(people[OrgRole.Admin]);
        var page = await app.NewPageAsync(1366, 950);
        await page.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await page.GotoAsync("/scenarios");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#scenario-grid .scenario-title").First).ToBeVisibleAsync();
        await page.ClickAsync("#new-scenario");
        await page.ScreenAsync("draft-00-menu");
        await page.ClickAsync("#draft-with-ai");
        await Assertions.Expect(page.Locator("#draft-panel")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#draft-offline-note")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("draft-01-form");

        // Describe, and watch the first attempt: the persona arrives, then the first phase streams slowly; cancel it.
        await page.FillFieldAsync("#draft-situation", "A café owner wants to cancel her card terminal contract after a price rise.");
        await page.FillFieldAsync("#draft-phases", "2");
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview(), delayMs: 2), ScriptedReply.Text(DraftReplies.Phase(1), delayMs: 300));
        await page.ClickAsync("#draft-generate");
        await Assertions.Expect(page.Locator("#draft-progress")).ToHaveTextAsync("Phase 1 of 2…");
        await Assertions.Expect(page.Locator("#builder-title")).ToHaveTextAsync("Café owner cancels the card terminal");
        await page.OpenTabAsync("Customer");
        await Assertions.Expect(page.Locator("#persona-name")).ToHaveValueAsync("Maria Lopez");
        await Assertions.Expect(page.Locator("#persona-name")).ToBeDisabledAsync(); // no edits while the draft arrives
        await page.ScreenshotAsync("draft-02-filling");
        await page.ClickAsync("#draft-cancel");
        await Assertions.Expect(page.Locator("#draft-cancelled")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#builder-title")).ToHaveTextAsync("New scenario"); // nothing kept
        await Assertions.Expect(page.Locator("#draft-keep")).ToBeVisibleAsync();

        // Generate again: every section arrives, the draft is ready and valid.
        DraftReplies.EnqueueValid(server, phases: 2, delayMs: 3);
        await page.ClickAsync("#draft-generate");
        await Assertions.Expect(page.Locator("#draft-progress")).ToContainTextAsync("Draft ready", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#builder-title")).ToHaveTextAsync("Café owner cancels the card terminal");
        await Assertions.Expect(page.Locator("#error-summary")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("draft-03-ready");
        await page.SetViewportSizeAsync(375, 800);
        await page.ScreenshotAsync("draft-03-ready-phone");
        await page.SetViewportSizeAsync(1366, 950);

        // Edit one field, then save: a normal draft.
        await page.OpenTabAsync("Customer");
        await page.FillFieldAsync("#persona-name", "Maria Fernández");
        await page.ClickAsync("#save");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/scenarios/[0-9]+$"));
        var id = int.Parse(Regex.Match(page.Url, "/scenarios/([0-9]+)$").Groups[1].Value);
        await using (var creator = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            var saved = await creator.Get<ScenarioQueries>().GetAsync(id);
            Assert.Equal(ScenarioStatus.Draft, saved.Status);
            Assert.Equal("Maria Fernández", saved.Document.Persona.Name);
            Assert.Equal(2, saved.Document.Phases.Count);
            Assert.False(ScenarioValidator.Validate(saved.Document, forPublish: true).Any);
        }
        await using (var scope = app.Services.CreateAsyncScope())
        await using (var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync())
            Assert.Equal(6, await db.AiUsage.CountAsync(u => u.Model == "loopback-drafter")); // 2 cancelled-attempt calls + 4

        // Improve a part: the suggestion shows beside the current text; Accept puts it in the field.
        const string warmer = "I completely understand, Maria. As a thank-you for two years, three months at £19?";
        server.Enqueue(ScriptedReply.Text($$"""{"text": "{{warmer}}"}"""));
        await page.OpenTabAsync("Phases");
        await page.ClickAsync("#phase-0-improve-warmer");
        var suggestion = page.Locator("#phase-0-suggestion");
        await Assertions.Expect(suggestion.Locator(".suggested-line")).ToHaveTextAsync(warmer);
        await Assertions.Expect(suggestion).ToContainTextAsync("I understand the rise hurts.");
        await suggestion.ScreenshotAsync("draft-04-suggestion");
        await page.ClickAsync("#phase-0-accept");
        await Assertions.Expect(page.Locator("#phase-0-ideal")).ToHaveValueAsync(warmer);

        // And it can be tried: the try-out's customer speaks through the same provider.
        server.Default = ScriptedReply.Text("I want to cancel. Twenty-nine pounds is too much.");
        await page.ClickAsync(".try-draft");
        await Assertions.Expect(page.Locator("#try-out-banner")).ToContainTextAsync("Try-out of the draft");
        await Assertions.Expect(page.Locator(".bubble.customer .text").First).ToHaveTextAsync("I want to cancel. Twenty-nine pounds is too much.");
        Assert.Empty(app.PageErrors[page]);
    }

    [Fact]
    public async Task A_creator_makes_the_customer_tougher_then_translates_the_scenario_into_a_new_draft_and_saves_it()
    {
        var people = await app.PeopleAsync();
        await UseLoopbackProviderAsync(people[OrgRole.Admin]);
        int sourceId;
        await using (var creator = await app.AsAsync(people[OrgRole.ContentManager]))
            sourceId = await creator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Trial pack to translate", phases: 2));
        var page = await app.NewPageAsync(1366, 950);
        await page.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await page.GotoAsync($"/scenarios/{sourceId}");
        await page.WaitForCircuitAsync();
        await page.OpenTabAsync("Customer");

        // A tougher customer: shown beside the current one; Accept puts it in the fields.
        server.Enqueue(ScriptedReply.Text("""{"traits": ["impatient", "sceptical"], "startingMood": "irritated", "speakingStyle": "Cuts in often."}"""));
        await page.ClickAsync("#persona-improve-tougher");
        var suggestion = page.Locator("#persona-suggestion");
        await Assertions.Expect(suggestion).ToContainTextAsync("Mood at the start: guarded");
        await Assertions.Expect(suggestion.Locator(".suggested-line").Nth(1)).ToHaveTextAsync("Mood at the start: irritated");
        await page.ScreenshotAsync("translate-00-tougher");
        await page.ClickAsync("#persona-accept");
        await Assertions.Expect(page.Locator("#persona-mood")).ToHaveValueAsync("irritated");

        // Translate: the builder's scenario (with the tougher customer) into Spanish, shown beside the original.
        await page.ClickAsync("#persona-translate");
        await page.FillFieldAsync("#translate-locale", "en-GB");
        await page.ClickAsync("#translate-start");
        await Assertions.Expect(page.Locator("#translate-panel")).ToContainTextAsync("already in en-GB");
        server.Enqueue(
            ScriptedReply.Text(DraftReplies.Overview(title: "Paquete de prueba traducido", customer: "Priya", brief: "Vendes una plataforma de WhatsApp."),
                delayMs: 2),
            ScriptedReply.Text(DraftReplies.Phase(1, opening: "Quiero cancelar. Es demasiado caro."), delayMs: 2),
            ScriptedReply.Text(DraftReplies.Phase(2, opening: "¿Y qué me ofrece?"), delayMs: 2),
            ScriptedReply.Text(DraftReplies.Rubric(), delayMs: 2));
        await page.FillFieldAsync("#translate-locale", "es-ES");
        await page.ClickAsync("#translate-start");
        await Assertions.Expect(page.Locator("#translate-progress")).ToContainTextAsync("Translation ready", new() { Timeout = 30_000 });
        var result = page.Locator("#translate-result");
        await Assertions.Expect(result).ToContainTextAsync("Trial pack to translate");
        await Assertions.Expect(result).ToContainTextAsync("Paquete de prueba traducido");
        await Assertions.Expect(result).ToContainTextAsync("Quiero cancelar. Es demasiado caro.");
        await page.ScreenshotAsync("translate-01-result");
        await page.SetViewportSizeAsync(375, 800);
        await page.Locator("#translate-panel").ScreenshotAsync("translate-01-result-phone");
        await page.SetViewportSizeAsync(1366, 950);
        var requests = server.Requests.Count;
        // What was translated is the scenario as it is in the builder, the accepted tougher customer included.
        Assert.Contains("irritated", server.Requests.ElementAt(1).RootElement.GetProperty("messages")[1].GetProperty("content").GetString());

        // Open as a new draft: a new builder with the translation, unsaved; Save makes it a normal draft beside the source.
        await page.ClickAsync("#translate-accept");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/scenarios/new\\?draft=translation$"));
        await Assertions.Expect(page.Locator("#builder-title")).ToHaveTextAsync("Paquete de prueba traducido");
        await Assertions.Expect(page.Locator("#translate-panel")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#persona-name")).ToHaveValueAsync("Priya");
        await page.ScreenshotAsync("translate-02-new-draft");
        await page.ClickAsync("#save");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/scenarios/[0-9]+$"));
        var id = int.Parse(Regex.Match(page.Url, "/scenarios/([0-9]+)$").Groups[1].Value);
        Assert.NotEqual(sourceId, id);
        await using (var creator = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            var saved = await creator.Get<ScenarioQueries>().GetAsync(id);
            Assert.Equal(("es-ES", ScenarioStatus.Draft), (saved.Document.Locale, saved.Status));
            Assert.Equal("Quiero cancelar. Es demasiado caro.", saved.Document.Phases[0].CustomerOpening);
            Assert.False(ScenarioValidator.Validate(saved.Document, forPublish: true).Any);
            Assert.Equal("en-GB", (await creator.Get<ScenarioQueries>().GetAsync(sourceId)).Document.Locale);
        }
        Assert.Equal(requests, server.Requests.Count);
        Assert.Empty(app.PageErrors[page]);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Authoring;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios.Authoring;

/// <summary>Drafting through the real Semantic Kernel connector against the loopback OpenAI-compatible server.</summary>
public sealed class ScenarioDrafterTests : OrganisationTestBase
{
    private LoopbackOpenAiServer server = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        server = await LoopbackOpenAiServer.StartAsync();
        await ConfigureAsync(org.Id, s => { });
    }

    public override async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task ConfigureAsync(Guid organisationId, Action<OrganisationAiSettings> change)
    {
        await using var context = await db.OpenUnfilteredAsync();
        var s = await context.AiSettings.SingleOrDefaultAsync(x => x.OrganisationId == organisationId);
        if (s is null)
        {
            context.AiSettings.Add(s = new OrganisationAiSettings
            {
                OrganisationId = organisationId, Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "draft-model",
                TimeoutSeconds = 10, DraftMaxTokens = 1234,
            });
        }
        change(s);
        await context.SaveChangesAsync();
    }

    private static DraftRequest Request(int phases = 2) => new()
    {
        Situation = "A café owner wants to cancel her card terminal contract after a price rise.",
        Domain = ScenarioDomain.Sales, Difficulty = Difficulty.Intermediate, Locale = "en-GB", Phases = phases,
        CustomerName = "Maria Lopez", CompanyName = "PayFast", ProductName = "Terminal Plus", Figures = "£29 a month; retention offer £19 for 3 months",
    };

    private async Task<List<DraftEvent>> DraftAsync(ApplicationUser? user = null, DraftRequest? request = null, CancellationToken ct = default)
    {
        await using var scope = await db.AsAsync(user ?? org.ContentManager);
        var events = new List<DraftEvent>();
        await foreach (var e in scope.Get<ScenarioDrafter>().DraftAsync(request ?? Request(), ct)) events.Add(e);
        return events;
    }

    [Fact]
    public async Task A_valid_reply_fills_the_draft_section_by_section_and_each_call_is_counted_and_its_tokens_recorded()
    {
        DraftReplies.EnqueueValid(server, phases: 2);

        var events = await DraftAsync();

        Assert.Equal(
            ["Persona and context…", "Details ready; customer…", "Customer ready; context…", "Customer and context ready; tone and phase names…",
                "Persona and context ready.", "Phase 1 of 2…", "Phase 1 of 2 ready.", "Phase 2 of 2…", "Phase 2 of 2 ready.", "Rubric…"],
            events.SkipLast(1).Select(e => e.Message));
        // Each section shows as it arrives: the customer while the rest of the overview still streams (no context yet), the persona
        // before any phase, the first phase before the second.
        Assert.Equal(("Café owner cancels the card terminal", ""), (events[1].Draft.Title, events[1].Draft.Persona.Name));
        var customerReady = events[2].Draft;
        Assert.Equal(("Maria Lopez", "annoyed"), (customerReady.Persona.Name, customerReady.Persona.StartingMood));
        Assert.Equal("", customerReady.Context.LearnerBrief);
        Assert.Empty(customerReady.Phases);
        Assert.StartsWith("Maria runs a small café.", events[3].Draft.Context.LearnerBrief);
        Assert.Single(events[6].Draft.Phases);
        var done = events[^1];
        Assert.True(done.Done);
        Assert.Empty(done.Errors);
        var draft = done.Draft;
        Assert.Equal("Café owner cancels the card terminal", draft.Title);
        Assert.Equal("caf-owner-cancels-the-card-terminal", draft.Slug);
        Assert.Equal(2, draft.Phases.Count);
        Assert.Equal(100, draft.Rubric.Sum(c => c.Weight));
        Assert.False(ScenarioValidator.Validate(draft, forPublish: true).Any);

        // Four calls (overview, two phases, rubric), each with the drafting max tokens and the organisation's model.
        var requests = server.Requests.Select(r => r.RootElement).ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal(1234, (r.TryGetProperty("max_completion_tokens", out var m) ? m : r.GetProperty("max_tokens")).GetInt32()));
        var system = requests[0].GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Contains("cancel her card terminal contract", system);
        Assert.Contains("PayFast", system);
        Assert.Contains("£29 a month", system);
        // The phase request carries what the overview decided.
        Assert.Contains("Maria Lopez", requests[1].GetProperty("messages")[1].GetProperty("content").GetString());

        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(4, await check.AiCalls.CountAsync(c => c.UserId == org.ContentManager.Id));
        var usage = await check.AiUsage.Where(u => u.OrganisationId == org.Id).OrderBy(u => u.Id).ToListAsync();
        Assert.Equal(4, usage.Count);
        Assert.All(usage, u => Assert.Equal(("Draft", "draft-model", "2026-11"), (u.Purpose, u.Model, u.Month)));
        // The provider's own counts (the loopback server counts about four characters a token).
        var overviewReply = DraftReplies.Overview(phases: 2);
        Assert.Equal(LoopbackOpenAiServer.Tokens(overviewReply), usage[0].CompletionTokens);
        Assert.True(usage[0].PromptTokens > LoopbackOpenAiServer.Tokens(system) - 1);
        // Nothing is saved: the creator saves.
        Assert.Equal(0, await check.Scenarios.CountAsync(x => x.OrganisationId == org.Id && !x.IsSystem));
    }

    [Fact]
    public async Task Admins_see_the_tokens_per_month_and_purpose_and_no_one_else_does()
    {
        DraftReplies.EnqueueValid(server, phases: 2);
        await DraftAsync();
        db.Clock.Advance(TimeSpan.FromDays(31));
        DraftReplies.EnqueueValid(server, phases: 2);
        await DraftAsync(org.Admin);

        await using var admin = await db.AsAsync(org.Admin);
        var usage = await admin.Get<AiSettingsService>().UsageAsync();

        Assert.Equal([("2026-12", "Draft", 4), ("2026-11", "Draft", 4)], usage.Select(u => (u.Month, u.Purpose, u.Calls)));
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(await check.AiUsage.Where(u => u.Month == "2026-11").SumAsync(u => (long)u.CompletionTokens), usage[1].CompletionTokens);
        Assert.True(usage[1].PromptTokens > 0);
        foreach (var user in new[] { org.ContentManager, org.Reviewer, org.Manager, org.Learner })
        {
            await using var scope = await db.AsAsync(user);
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<AiSettingsService>().UsageAsync());
        }
    }

    [Fact]
    public async Task Three_invalid_fields_are_repaired_by_one_targeted_call()
    {
        var longTitle = new string('T', 130);
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview(title: longTitle)), ScriptedReply.Text(DraftReplies.Phase(1, idealResponse: "")),
            ScriptedReply.Text(DraftReplies.Phase(2)), ScriptedReply.Text(DraftReplies.Rubric(40, 30, 20)));
        server.Enqueue(ScriptedReply.Text(JsonSerializer.Serialize(new
        {
            fixes = new object[]
            {
                new { field = "Title", value = "Keep the café owner" },
                new { field = "Phases[0].IdealResponse", value = "I understand. May I ask what changed for you?" },
                new
                {
                    field = "Rubric",
                    value = new[]
                    {
                        new { name = "Empathy", description = "Warm.", weight = 50 }, new { name = "Closing", description = "Next step.", weight = 50 },
                    },
                },
            },
        })));

        var events = await DraftAsync();

        var beforeRepair = events.Single(e => e.Message.StartsWith("Rubric ready. Fixing", StringComparison.Ordinal));
        Assert.Equal(["Phases[0].IdealResponse", "Rubric", "Title"], beforeRepair.Errors.Keys.Order());
        var repair = server.Requests.Last().RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("- Title:", repair);
        Assert.Contains("- Phases[0].IdealResponse:", repair);
        Assert.Contains("- Rubric: The rubric weights must add up to 100 (now 90).", repair);
        var done = events[^1];
        Assert.Empty(done.Errors);
        Assert.Equal("Keep the café owner", done.Draft.Title);
        Assert.Equal("keep-the-caf-owner", done.Draft.Slug);
        Assert.Equal("I understand. May I ask what changed for you?", done.Draft.Phases[0].IdealResponse);
        Assert.Equal([50, 50], done.Draft.Rubric.Select(c => c.Weight));
        // What was valid is untouched.
        Assert.Equal("Maria Lopez", done.Draft.Persona.Name);
        Assert.Equal(2, done.Draft.Phases.Count);
        Assert.Equal(5, server.Requests.Count);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(["Draft", "Draft", "Draft", "Draft", "Repair"], await check.AiUsage.OrderBy(u => u.Id).Select(u => u.Purpose).ToListAsync());
    }

    [Fact]
    public async Task What_the_repair_does_not_fix_is_shown_at_its_field_never_dropped()
    {
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview()), ScriptedReply.Text(DraftReplies.Phase(1)),
            ScriptedReply.Text(DraftReplies.Phase(2, idealResponse: null)), ScriptedReply.Text(DraftReplies.Rubric()),
            ScriptedReply.Text("""{"fixes": [{"field": "Phases[7].IdealResponse", "value": "x"}, {"field": "Nonsense", "value": 1}]}"""));

        var done = (await DraftAsync())[^1];

        Assert.True(done.Done);
        Assert.Equal(["Phases[1].IdealResponse"], done.Errors.Keys);
        Assert.Contains("fix by hand", done.Message);
        // The phase is kept with everything else it had.
        Assert.Equal(2, done.Draft.Phases.Count);
        Assert.Equal("I want to cancel. £29 a month is too much.", done.Draft.Phases[1].CustomerOpening);
        Assert.Equal(5, server.Requests.Count); // one repair, not a loop
    }

    [Fact]
    public async Task Malformed_json_stops_with_a_clear_message_and_the_admin_sees_the_detail()
    {
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview()),
            ScriptedReply.Text("Sure! Here is phase one: {\"name\": \"Hear the reason\", \"objectives\": ["));

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => DraftAsync());

        Assert.Contains("phase 1 could not be read", ex.Message);
        Assert.Contains("Generate again", ex.Message);
        await using var check = await db.OpenUnfilteredAsync();
        var settings = await check.AiSettings.SingleAsync(s => s.OrganisationId == org.Id);
        Assert.Contains("It began: \"Sure! Here is phase one", settings.LastProblem);
    }

    [Fact]
    public async Task A_provider_that_goes_quiet_is_stopped_after_the_timeout_with_a_clear_message()
    {
        await ConfigureAsync(org.Id, s => s.TimeoutSeconds = 2);
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview()), new ScriptedReply([], Hang: true));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => DraftAsync());

        Assert.Contains("stopped answering for 2 seconds", ex.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 20);
    }

    [Fact]
    public async Task Cancel_mid_stream_stops_the_provider_call_and_nothing_is_saved()
    {
        // The first phase streams a word every 100 ms: about 10 s in all.
        server.Enqueue(ScriptedReply.Text(DraftReplies.Overview()), ScriptedReply.Text(DraftReplies.Phase(1), delayMs: 100));
        using var cts = new CancellationTokenSource();
        var events = new List<DraftEvent>();
        var clock = Stopwatch.StartNew();
        await using var scope = await db.AsAsync(org.ContentManager);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in scope.Get<ScenarioDrafter>().DraftAsync(Request(), cts.Token))
            {
                events.Add(e);
                if (e.Message == "Phase 1 of 2…") cts.CancelAfter(300);
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
        Assert.Equal("Phase 1 of 2…", events[^1].Message);
        Assert.Equal(2, server.Requests.Count); // no phase 2, no rubric
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(0, await check.Scenarios.CountAsync(x => x.OrganisationId == org.Id && !x.IsSystem));
        // The cancelled call was made: it is counted and recorded.
        Assert.Equal(2, await check.AiUsage.CountAsync(u => u.OrganisationId == org.Id));
    }

    [Fact]
    public async Task Markup_and_script_in_the_reply_come_out_as_harmless_text()
    {
        server.Enqueue(
            ScriptedReply.Text(DraftReplies.Overview(customer: "<script>alert('x')</script>Maria",
                brief: "Maria runs a café.<img src=x onerror=alert(1)> She is \u202Eannoyed\u0007. <a href=\"javascript:alert(1)\">terms</a>")),
            ScriptedReply.Text(DraftReplies.Phase(1, opening: "<iframe src=//evil></iframe>I want to cancel.")),
            ScriptedReply.Text(DraftReplies.Phase(2)), ScriptedReply.Text(DraftReplies.Rubric()));

        var done = (await DraftAsync())[^1];

        Assert.Equal("alert('x')Maria", done.Draft.Persona.Name);
        Assert.Equal("Maria runs a café. She is annoyed. terms", done.Draft.Context.LearnerBrief);
        Assert.Equal("I want to cancel.", done.Draft.Phases[0].CustomerOpening);
        var json = ScenarioJson.Serialize(done.Draft);
        Assert.DoesNotContain("<", json);
        Assert.DoesNotContain("\\u003C", json);
        Assert.DoesNotContain("\\u202E", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_learner_cannot_draft_and_no_provider_call_is_made()
    {
        DraftReplies.EnqueueValid(server);
        foreach (var user in new[] { org.Learner, org.Manager, org.Reviewer })
            await Assert.ThrowsAsync<ForbiddenException>(() => DraftAsync(user));
        Assert.Empty(server.Requests);
        Assert.True(await Refusals.ServedAsync(() => DraftAsync(org.Admin)));
    }

    [Fact]
    public async Task Another_organisations_provider_is_never_used()
    {
        var other = await db.CreateOrganisationAsync("Other");
        // Acme has the provider; Other has no settings (the offline engine): its draft comes from the templates.
        var events = await DraftAsync(other.ContentManager);

        Assert.Empty(server.Requests);
        Assert.Contains(TemplateDrafter.RicherNote, events[^1].Message);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(0, await check.AiCalls.CountAsync());
    }

    [Fact]
    public async Task Every_call_of_a_draft_counts_against_the_limits()
    {
        await ConfigureAsync(org.Id, s => s.UserCallsPerMinute = 3);
        DraftReplies.EnqueueValid(server, phases: 2);

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => DraftAsync());

        Assert.Contains("your AI limit for this minute", ex.Message);
        Assert.Equal(3, server.Requests.Count); // the fourth call (the rubric) was refused before it was made
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(3, await check.AiCalls.CountAsync(c => c.UserId == org.ContentManager.Id));
    }

    [Fact]
    public async Task Improve_a_part_suggests_beside_the_current_text_changes_nothing_and_counts_the_call()
    {
        var doc = ScenarioSamples.Publishable("Improve me", phases: 2);
        var before = ScenarioJson.Serialize(doc);
        server.Enqueue(ScriptedReply.Text("""{"items": ["It is still too expensive.", "<b>Your rival</b> is cheaper.", "I need to ask my partner."]}"""),
            ScriptedReply.Text("""{"text": "I completely understand how frustrating that is. Let me help."}"""));
        await using var scope = await db.AsAsync(org.ContentManager);
        var improver = scope.Get<PartImprover>();

        var objections = await improver.SuggestAsync(doc, 1, Improvement.SuggestObjections);
        var warmer = await improver.SuggestAsync(doc, 0, Improvement.WarmerIdealResponse);

        Assert.Equal(doc.Phases[1].FollowUpObjections, objections.Current);
        Assert.Equal(["It is still too expensive.", "Your rival is cheaper.", "I need to ask my partner."], objections.Suggested);
        Assert.Equal([doc.Phases[0].IdealResponse], warmer.Current);
        Assert.Equal(["I completely understand how frustrating that is. Let me help."], warmer.Suggested);
        Assert.Contains(doc.Phases[0].IdealResponse, server.Requests.Last().RootElement.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(before, ScenarioJson.Serialize(doc)); // nothing changes until the creator accepts
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(2, await check.AiCalls.CountAsync());
        Assert.Equal(2, await check.AiUsage.CountAsync(u => u.Purpose == "Improve"));

        await using var learner = await db.AsAsync(org.Learner);
        await Assert.ThrowsAsync<ForbiddenException>(() => learner.Get<PartImprover>().SuggestAsync(doc, 0, Improvement.SuggestPhrases));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Improve_the_persona_suggests_hidden_information_or_a_tougher_customer_beside_the_current_one()
    {
        var doc = ScenarioSamples.Publishable("Improve the customer", phases: 2);
        doc.Persona.HiddenInformation = ["Has a budget of £500"];
        var before = ScenarioJson.Serialize(doc);
        server.Enqueue(ScriptedReply.Text("""{"items": ["Is talking to a competitor", "<i>Signs</i> off on Fridays only"]}"""),
            ScriptedReply.Text("""{"traits": ["impatient", "sceptical", "blunt"], "startingMood": "irritated", "speakingStyle": "Cuts in <b>often</b>."}"""));
        await using var scope = await db.AsAsync(org.ContentManager);
        var improver = scope.Get<PartImprover>();

        var hidden = await improver.SuggestAsync(doc, Suggestion.PersonaPart, Improvement.SuggestHiddenInformation);
        var tougher = await improver.SuggestAsync(doc, Suggestion.PersonaPart, Improvement.TougherCustomer);

        Assert.Equal(["Has a budget of £500"], hidden.Current);
        Assert.Equal(["Is talking to a competitor", "Signs off on Fridays only"], hidden.Suggested);
        Assert.Equal(["Traits: sceptical, busy", "Mood at the start: guarded", "Speaking style: "], tougher.Current);
        Assert.Equal(["impatient", "sceptical", "blunt"], tougher.Persona!.Traits);
        Assert.Equal(("irritated", "Cuts in often."), (tougher.Persona.StartingMood, tougher.Persona.SpeakingStyle));
        Assert.Equal(["Traits: impatient, sceptical, blunt", "Mood at the start: irritated", "Speaking style: Cuts in often."], tougher.Suggested);
        Assert.Contains("Priya, Owner of a bakery chain", server.Requests.Last().RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(before, ScenarioJson.Serialize(doc)); // nothing changes until the creator accepts

        // A persona improvement is not a phase's, and the other way round.
        await Assert.ThrowsAsync<ValidationFailedException>(() => improver.SuggestAsync(doc, 0, Improvement.TougherCustomer));
        await Assert.ThrowsAsync<ValidationFailedException>(() => improver.SuggestAsync(doc, Suggestion.PersonaPart, Improvement.SuggestPhrases));
        await using var learner = await db.AsAsync(org.Learner);
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            learner.Get<PartImprover>().SuggestAsync(doc, Suggestion.PersonaPart, Improvement.SuggestHiddenInformation));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Translating_makes_a_new_unsaved_draft_in_that_language_keeping_figures_weights_and_minutes_and_repairs_it()
    {
        var source = ScenarioSamples.Publishable("Trial pack objection", phases: 2);
        source.Phases[0].TestCases = [new RubricTestCase { Name = "Good paraphrase", Answer = "Let me suggest a pilot.", MinScore = 60, MaxScore = 100 }];
        source.Phases[1].ExpectedMinutes = 7;
        Assert.NotEqual(2, source.Rubric.Count);
        var before = ScenarioJson.Serialize(source);
        server.Enqueue(
            ScriptedReply.Text(DraftReplies.Overview(title: "Objeción del paquete de prueba", customer: "Priya", brief: "Vendes una plataforma de WhatsApp.")),
            ScriptedReply.Text(DraftReplies.Phase(1, idealResponse: "Le propongo un piloto de <script>alert(1)</script>dos semanas.")),
            ScriptedReply.Text(DraftReplies.Phase(2)),
            // The rubric comes back with two criteria adding up to 80: the weights cannot be matched to the source's, the repair fixes them.
            ScriptedReply.Text(DraftReplies.Rubric(40, 40)),
            ScriptedReply.Text("""{"fixes": [{"field": "Rubric", "value": [{"name": "Empatía", "description": "Escucha.", "weight": 50},""" +
                """ {"name": "Cierre", "description": "Cierra.", "weight": 50}]}]}"""));
        await using var scope = await db.AsAsync(org.ContentManager);
        var events = new List<DraftEvent>();
        await foreach (var e in scope.Get<ScenarioTranslator>().TranslateAsync(source, " es-ES ")) events.Add(e);

        Assert.Equal(["Details, customer and context…", "Details, customer and context ready.", "Phase 1 of 2…", "Phase 1 of 2 ready.", "Phase 2 of 2…",
            "Phase 2 of 2 ready.", "Rubric…", "Rubric ready. Fixing 1 field…", "Translation ready: open it as a new draft, check it and save."],
            events.Select(e => e.Message));
        var draft = events[^1].Draft;
        Assert.Empty(events[^1].Errors);
        Assert.Equal(("es-ES", "Objeción del paquete de prueba", "objeci-n-del-paquete-de-prueba-es-es"), (draft.Locale, draft.Title, draft.Slug));
        Assert.Equal(("Priya", 41), (draft.Persona.Name, draft.Persona.Age));
        Assert.Equal("Le propongo un piloto de alert(1)dos semanas.", draft.Phases[0].IdealResponse);
        // What is not language stays the source's: minutes, test-case score bands, the phases' keys.
        Assert.Equal([4, 7], draft.Phases.Select(p => p.ExpectedMinutes));
        Assert.Equal((60, 100), (draft.Phases[0].TestCases[0].MinScore, draft.Phases[0].TestCases[0].MaxScore));
        Assert.Equal(source.Phases.Select(p => p.Key), draft.Phases.Select(p => p.Key));
        Assert.Equal([50, 50], draft.Rubric.Select(c => c.Weight));
        Assert.False(ScenarioValidator.Validate(draft, forPublish: true).Any);

        // The model was asked to translate the source's own text into the language asked for.
        var phaseRequest = server.Requests.ElementAt(1).RootElement.GetProperty("messages");
        Assert.Contains("into es-ES", phaseRequest[0].GetProperty("content").GetString());
        Assert.Contains("Opening line 1", phaseRequest[1].GetProperty("content").GetString());
        Assert.Equal(before, ScenarioJson.Serialize(source)); // the source is not touched
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(4, await check.AiUsage.CountAsync(u => u.Purpose == "Translate"));
        Assert.Equal(1, await check.AiUsage.CountAsync(u => u.Purpose == "Repair"));
        Assert.Equal(0, await check.Scenarios.CountAsync(x => x.OrganisationId == org.Id && !x.IsSystem)); // nothing saved
    }

    [Fact]
    public async Task A_translation_needs_another_valid_language_a_provider_and_a_creator()
    {
        var source = ScenarioSamples.Publishable("Trial pack objection", phases: 2);
        async Task<Exception> TranslateAsync(ApplicationUser user, string locale) => await Record.ExceptionAsync(async () =>
        {
            await using var scope = await db.AsAsync(user);
            await foreach (var _ in scope.Get<ScenarioTranslator>().TranslateAsync(source, locale)) { }
        });

        Assert.Equal("Locale", Assert.IsType<ValidationFailedException>(await TranslateAsync(org.ContentManager, "EN-gb")).Errors.Keys.Single());
        Assert.Equal("Locale", Assert.IsType<ValidationFailedException>(await TranslateAsync(org.ContentManager, "Spanish!")).Errors.Keys.Single());
        Assert.IsType<ForbiddenException>(await TranslateAsync(org.Learner, "es-ES"));
        await ConfigureAsync(org.Id, s => s.Provider = AiProvider.Offline);
        Assert.Contains("needs an AI provider", Assert.IsType<AiProviderException>(await TranslateAsync(org.ContentManager, "es-ES")).Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_invalid_request_is_refused_at_its_field()
    {
        var bad = Request(phases: 7);
        bad.Situation = "short";
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => DraftAsync(request: bad));
        Assert.Equal(["Phases", "Situation"], ex.Errors.Keys.Order());
        Assert.Empty(server.Requests);
    }
}

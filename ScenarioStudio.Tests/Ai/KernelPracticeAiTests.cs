using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Ai;

/// <summary>The real Semantic Kernel OpenAI connector against a loopback OpenAI-compatible streaming server.</summary>
public sealed class KernelPracticeAiTests : PracticeTestBase
{
    private LoopbackOpenAiServer server = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        server = await LoopbackOpenAiServer.StartAsync();
        await using var context = await Db.OpenUnfilteredAsync();
        var gate = (await Db.AsAsync(Org.Admin)).Get<AiGate>();
        context.AiSettings.Add(new OrganisationAiSettings
        {
            OrganisationId = Org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "test-model",
            // 5 s: long enough that a busy two-core CI machine (other test classes embedding sentences) is not a hang.
            ProtectedApiKey = gate.ProtectKey("sk-test-123"), TimeoutSeconds = 5, MaxTokens = 321,
        });
        await context.SaveChangesAsync();
    }

    public override async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await base.DisposeAsync();
    }

    private string ScoresJson(int overall = 78, bool valid = true) => JsonSerializer.Serialize(new
    {
        overall,
        criteria = Scenario.Rubric.Take(valid ? 5 : 3).Select(c => new { name = c.Name, score = overall, evidence = "Because." }),
        went_well = new[] { "Calm tone." },
        to_improve = new[] { "Name the next step." },
        better_version = "I understand. Shall we start a two-week pilot?",
        objective_met = overall >= 70,
    });

    private async Task<(PracticeService Practice, Guid Id, AsUser Scope)> StartAtCoachAsync()
    {
        var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(ScriptedReply.Text("I only want a small trial pack."));
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, "I understand. Shall we start with a pilot?");
        return (practice, id, scope);
    }

    [Fact]
    public async Task Customer_tokens_arrive_in_order_and_are_saved_and_the_request_carries_persona_key_and_limits()
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        var chunks = Enumerable.Range(1, 40).Select(i => $" t{i:00}").ToList();
        server.Enqueue(new ScriptedReply(chunks, DelayMs: 2));

        var (tokens, saved) = await RunAiAsync(practice, id);

        Assert.Equal(chunks, tokens);
        Assert.Equal(string.Concat(chunks), saved.Text);
        await using var check = await Db.OpenUnfilteredAsync();
        Assert.Equal(string.Concat(chunks), (await check.PracticeMessages.SingleAsync()).Text);
        var request = server.Requests.Single().RootElement;
        Assert.True(request.GetProperty("stream").GetBoolean());
        var limit = request.TryGetProperty("max_completion_tokens", out var mct) ? mct : request.GetProperty("max_tokens");
        Assert.Equal(321, limit.GetInt32());
        Assert.Equal("Bearer sk-test-123", server.Authorizations.Single()); // the key, decrypted from Data Protection
        var system = request.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Contains("Priya", system);
        Assert.Contains("stays sceptical or hostile", system);
        Assert.Contains(Scenario.Phases[0].CustomerOpening, system);
    }

    [Fact]
    public void The_coach_prompt_carries_the_success_criteria_mistakes_and_facts_and_asks_for_quoted_evidence()
    {
        var doc = ScenarioLibrary.All.Single(t => t.Key == "support-refund-outside-window").Document;
        var prompt = KernelPracticeAi.CoachPrompt(new CoachRequest(doc, 2, doc.Phases[2].CustomerOpening, "My answer.", null, []));
        Assert.All(doc.Phases[2].SuccessCriteria, c => Assert.Contains(c, prompt));
        Assert.All(doc.Phases[2].CommonMistakes, m => Assert.Contains(m, prompt));
        Assert.Contains("Elevate Compact: 100 cm wide, £369", prompt); // knowledge base
        Assert.Contains("Order number: EL-55201", prompt); // ticket card
        Assert.Contains("learner's own sentence", prompt);
    }

    [Fact]
    public async Task The_coach_streams_prose_without_the_scores_and_returns_checked_scores()
    {
        var (practice, id, scope) = await StartAtCoachAsync();
        await using var _ = scope;
        server.Enqueue(ScriptedReply.Text("Good start. You acknowledged the concern.\nSCORES: " + ScoresJson(78)));

        var (tokens, saved) = await RunAiAsync(practice, id);

        var streamed = string.Concat(tokens);
        Assert.Equal("Good start. You acknowledged the concern.\n", streamed);
        Assert.DoesNotContain("SCORES", streamed);
        Assert.Equal(78, saved.Assessment!.Overall);
        Assert.Equal(Scenario.Rubric.Select(c => c.Name), saved.Assessment.Criteria.Select(c => c.Name));
        Assert.Equal(SessionStage.LearnerRepeat, (await practice.GetAsync(id)).Stage);
    }

    [Fact]
    public async Task A_scores_marker_split_across_chunks_is_never_shown()
    {
        var (practice, id, scope) = await StartAtCoachAsync();
        await using var _ = scope;
        var prose = string.Concat(Enumerable.Range(1, 400).Select(i => $"w{i} ")); // a long reply, streamed in small chunks
        server.Enqueue(new ScriptedReply([.. prose.Chunk(7).Select(c => new string(c)), "\nSC", "OR", "ES", ": ", ScoresJson(74)], 0));

        var (tokens, saved) = await RunAiAsync(practice, id);

        Assert.Equal(prose + "\n", string.Concat(tokens));
        Assert.Equal(74, saved.Assessment!.Overall);
        Assert.Equal(prose + "\n", saved.Text);
    }

    [Fact]
    public async Task A_malformed_coach_reply_is_retried_once_and_then_accepted()
    {
        var (practice, id, scope) = await StartAtCoachAsync();
        await using var _ = scope;
        server.Enqueue(ScriptedReply.Text("Nice.\nSCORES: {\"overall\": 140}"), ScriptedReply.Text(ScoresJson(66)));

        var (_, saved) = await RunAiAsync(practice, id);

        Assert.Equal(66, saved.Assessment!.Overall);
        var retry = server.Requests.Last().RootElement;
        Assert.False(retry.TryGetProperty("stream", out var s) && s.GetBoolean());
        Assert.Contains("could not be read", retry.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_coach_reply_malformed_twice_is_reported_and_nothing_is_saved()
    {
        var (practice, id, scope) = await StartAtCoachAsync();
        await using var _ = scope;
        server.Enqueue(ScriptedReply.Text("Nice.\nSCORES: " + ScoresJson(valid: false)), ScriptedReply.Text("not json at all"));

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => RunAiAsync(practice, id));
        Assert.Equal("The coach's answer could not be read. Retry.", ex.Message);
        Assert.Contains("could not be read twice", ex.Detail);
        var view = await practice.GetAsync(id);
        Assert.Equal(SessionStage.CoachAnswer, view.Stage); // still the coach's turn: Retry works
        Assert.DoesNotContain(view.Messages, m => m.Speaker == Speaker.Coach);

        server.Enqueue(ScriptedReply.Text("Better.\nSCORES: " + ScoresJson(81)));
        var (_, saved) = await RunAiAsync(practice, id);
        Assert.Equal(81, saved.Assessment!.Overall);
    }

    [Fact]
    public async Task The_ai_customer_is_given_the_verification_facts_to_answer_identity_questions()
    {
        var doc = Tests.Scenarios.ScenarioSamples.Publishable("Outage verification", phases: 2);
        doc.Context.VerificationFacts = [new CardField { Label = "Date of birth", Value = "12 March 1985" }];
        int scenarioId;
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            var scenarios = asAdmin.Scenarios();
            scenarioId = await scenarios.Commands.CreateAsync(doc);
            await scenarios.Lifecycle.PublishAsync(scenarioId);
        }
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        server.Enqueue(ScriptedReply.Text("Hello, my internet is down."));
        await RunAiAsync(practice, await practice.StartAsync(scenarioId));

        var system = server.Requests.Last().RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Contains("Date of birth: 12 March 1985", system);
    }

    [Fact]
    public async Task The_per_user_limit_refuses_calls_beyond_it_with_a_clear_message()
    {
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            (await context.AiSettings.SingleAsync(s => s.OrganisationId == Org.Id)).UserCallsPerMinute = 2;
            await context.SaveChangesAsync();
        }
        var (practice, id, scope) = await StartAtCoachAsync(); // one call so far: the customer's opening
        await using var _ = scope;
        var ex = await Assert.ThrowsAsync<AiProviderException>(async () =>
        {
            server.Enqueue(ScriptedReply.Text("Fine.\nSCORES: " + ScoresJson(40)));
            await RunAiAsync(practice, id);
            await practice.SubmitAsync(id, "Shall we start a pilot on Monday?");
            await RunAiAsync(practice, id);
        });
        // Both calls were made at the test clock's "now": the limit allows the next one a minute after the older.
        Assert.Equal("You have reached your AI limit for this minute. You can continue in 60 seconds.", ex.Message);
        Assert.Equal(Db.Clock.Now.AddMinutes(1), ex.RetryAt);
        Db.Clock.Advance(TimeSpan.FromMinutes(1.5));
        server.Enqueue(ScriptedReply.Text("Better.\nSCORES: " + ScoresJson(75)));
        await RunAiAsync(practice, id);
        await using var check = await Db.OpenUnfilteredAsync();
        Assert.Equal(3, await check.AiCalls.CountAsync());
    }

    [Fact]
    public async Task A_provider_that_hangs_times_out_into_a_retryable_error()
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(new ScriptedReply([], Hang: true));

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => RunAiAsync(practice, id));
        Assert.Equal(AiTurnReader.TimeoutMessage, ex.Message);
        Assert.Empty((await practice.GetAsync(id)).Messages);

        server.Enqueue(ScriptedReply.Text("Sorry, I was distracted. I want a trial pack."));
        var (_, saved) = await RunAiAsync(practice, id);
        Assert.Equal("Sorry, I was distracted. I want a trial pack.", saved.Text);
    }

    [Fact]
    public async Task A_server_error_is_reported_and_the_turn_stays_due()
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(new ScriptedReply([], Status: 500));
        var ex = await Assert.ThrowsAsync<AiProviderException>(() => RunAiAsync(practice, id));
        Assert.Equal(AiTurnReader.FailureMessage, ex.Message);
        Assert.Equal(SessionStage.CustomerTurn, (await practice.GetAsync(id)).Stage);
    }

    [Fact]
    public async Task A_learner_sees_a_plain_message_and_the_admin_sees_the_providers_words_on_the_settings_page()
    {
        // Nothing listens on the endpoint: the connector reports the refused connection with the address.
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var settings = await context.AiSettings.SingleAsync(s => s.OrganisationId == Org.Id);
            settings.Endpoint = "http://127.0.0.1:9";
            await context.SaveChangesAsync();
        }
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => RunAiAsync(practice, id));

        Assert.Equal(AiTurnReader.FailureMessage, ex.Message);
        Assert.DoesNotContain("127.0.0.1", ex.Message);
        Assert.DoesNotContain("offline engine", ex.Message);
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        var shown = await asAdmin.Get<AiSettingsService>().GetAsync();
        Assert.Contains("127.0.0.1:9", shown.LastProblem);
        Assert.Equal(Db.Clock.Now, shown.LastProblemAt);
    }

    public static TheoryData<string> Echoes => new(["(Say your next line now.)", "prompt"]);

    [Theory]
    [MemberData(nameof(Echoes))]
    public async Task A_server_that_echoes_the_prompt_is_reported_not_shown_as_the_customer(string echo)
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(echo == "prompt" ? ScriptedReply.EchoesThePrompt() : ScriptedReply.Text(echo));

        var ex = await Assert.ThrowsAsync<AiProviderException>(() => RunAiAsync(practice, id));

        Assert.Equal(KernelPracticeAi.EchoMessage, ex.Message);
        Assert.Empty((await practice.GetAsync(id)).Messages);
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        Assert.Contains("repeated the prompt", (await asAdmin.Get<AiSettingsService>().GetAsync()).LastProblem);
    }

    [Fact]
    public async Task A_customer_line_that_only_starts_like_the_prompt_streams_as_usual()
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(ScriptedReply.Text("(sighs) You are the third person I've spoken to today."));

        var (_, saved) = await RunAiAsync(practice, id);

        Assert.Equal("(sighs) You are the third person I've spoken to today.", saved.Text);
    }

    public static TheoryData<string, string> ConnectionTests => new()
    {
        { "follows", "Connected: test-model answered and followed the test instruction." },
        { "chats", "did not follow the test instruction (it said “Hello! How can I help you today?”)" },
        { "echoes", "it repeated the prompt" },
    };

    [Theory]
    [MemberData(nameof(ConnectionTests))]
    public async Task Test_connection_passes_only_when_the_model_follows_the_instruction(string model, string expected)
    {
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        var settings = asAdmin.Get<AiSettingsService>();
        var input = await settings.GetAsync();
        server.Enqueue(model switch
        {
            "follows" => ScriptedReply.FollowsTheTestInstruction(),
            "echoes" => ScriptedReply.EchoesThePrompt(),
            _ => ScriptedReply.Text("Hello! How can I help you today?"),
        });

        if (model == "follows") Assert.Equal(expected, await settings.TestAsync(input));
        else Assert.Contains(expected, (await Assert.ThrowsAsync<AiProviderException>(() => settings.TestAsync(input))).Message);
    }

    [Fact]
    public async Task Stop_mid_stream_keeps_the_partial_text()
    {
        await using var scope = await Db.AsAsync(Org.Learner);
        var practice = scope.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        server.Enqueue(new ScriptedReply(Enumerable.Range(1, 200).Select(i => $" w{i}").ToList(), DelayMs: 10));
        using var stop = new CancellationTokenSource();
        var tokens = new List<string>();
        PracticeMessage? saved = null;
        await foreach (var e in practice.StreamAiTurnAsync(id, stop.Token))
        {
            if (e.Token is not null) { tokens.Add(e.Token); if (tokens.Count == 5) stop.Cancel(); }
            saved ??= e.Saved;
        }
        Assert.True(saved!.Stopped);
        Assert.StartsWith(" w1 w2 w3 w4 w5", saved.Text);
        Assert.True(saved.Text.Length < " w1".Length * 200);
        Assert.Equal(SessionStage.LearnerAnswer, (await practice.GetAsync(id)).Stage);
    }

    [Fact]
    public void Scores_outside_the_rubric_or_range_are_rejected()
    {
        Assert.Null(KernelPracticeAi.ParseScores("{\"overall\": 50, \"criteria\": []}", Scenario.Rubric).Assessment);
        Assert.Null(KernelPracticeAi.ParseScores(ScoresJson(50).Replace("\"score\":50", "\"score\":-3"), Scenario.Rubric).Assessment);
        Assert.Null(KernelPracticeAi.ParseScores("Sure! Here you go", Scenario.Rubric).Assessment);
        Assert.NotNull(KernelPracticeAi.ParseScores("```json\n" + ScoresJson(50) + "\n```", Scenario.Rubric).Assessment);
    }
}

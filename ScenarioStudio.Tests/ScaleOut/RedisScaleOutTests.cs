using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Ai;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;
using StackExchange.Redis;

namespace ScenarioStudio.Tests.ScaleOut;

/// <summary>Each Redis implementation against a real redis-server, with two nodes that share nothing in memory.</summary>
public sealed class RedisScaleOutTests(TestRedis redis) : IClassFixture<TestRedis>
{
    [Fact]
    public async Task A_session_finished_on_node_A_reaches_the_dashboards_of_both_nodes_once_each()
    {
        await using var nodes = await StartAsync();
        var org = await nodes.A.CreateOrganisationAsync("Acme");
        var scenarioId = await PublishedScenarioAsync(nodes.A, org);
        var (onA, onB, stopped) = (new List<SessionCompleted>(), new List<SessionCompleted>(), new List<SessionCompleted>());
        using var a = nodes.A.Services.GetRequiredService<ILiveEvents<SessionCompleted>>().Subscribe(e => { lock (onA) onA.Add(e); });
        using var b = nodes.B.Services.GetRequiredService<ILiveEvents<SessionCompleted>>().Subscribe(e => { lock (onB) onB.Add(e); });
        nodes.B.Services.GetRequiredService<ILiveEvents<SessionCompleted>>().Subscribe(e => { lock (stopped) stopped.Add(e); }).Dispose();
        Assert.IsType<RedisLiveEvents<SessionCompleted>>(nodes.A.Services.GetRequiredService<ILiveEvents<SessionCompleted>>());

        await using (var asLearner = await nodes.A.AsAsync(org.Learner))
        {
            var practice = asLearner.Get<PracticeService>();
            await practice.CompleteAsync(await practice.StartAsync(scenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }

        await Eventually(() => onB.Count > 0);
        await Task.Delay(300); // room for a second delivery, which must not come
        Assert.Equal([new SessionCompleted(org.Id, org.Learner.Id)], onA);
        Assert.Equal([new SessionCompleted(org.Id, org.Learner.Id)], onB);
        Assert.Empty(stopped);
    }

    [Fact]
    public async Task A_version_published_on_node_B_rings_the_authors_bell_on_node_A_and_another_install_hears_nothing()
    {
        await using var nodes = await StartAsync();
        await using var otherInstall = await StartAsync();
        var org = await nodes.A.CreateOrganisationAsync("Acme");
        var (onA, onB, elsewhere) = (new List<string>(), new List<string>(), new List<string>());
        using var a = nodes.A.Services.GetRequiredService<ILiveEvents<NotificationsChanged>>().Subscribe(e => { lock (onA) onA.Add(e.UserId); });
        using var b = nodes.B.Services.GetRequiredService<ILiveEvents<NotificationsChanged>>().Subscribe(e => { lock (onB) onB.Add(e.UserId); });
        using var other = otherInstall.A.Services.GetRequiredService<ILiveEvents<NotificationsChanged>>()
            .Subscribe(e => { lock (elsewhere) elsewhere.Add(e.UserId); });
        int id;
        await using (var asCreator = await nodes.A.AsAsync(org.ContentManager))
            id = await asCreator.Get<ScenarioCommands>().CreateAsync(ScenarioSamples.Publishable("Published elsewhere"));

        await using (var asAdmin = await nodes.B.AsAsync(org.Admin))
            await asAdmin.Get<ScenarioLifecycle>().PublishAsync(id);

        await Eventually(() => onA.Count > 0);
        await Task.Delay(300);
        Assert.Equal([org.ContentManager.Id], onA);
        Assert.Equal([org.ContentManager.Id], onB);
        Assert.Empty(elsewhere);
        await using var db = await nodes.A.OpenUnfilteredAsync();
        Assert.Equal(NotificationKind.Published, (await db.Notifications.SingleAsync(n => n.UserId == org.ContentManager.Id)).Kind);
    }

    [Fact]
    public async Task A_branding_change_saved_on_node_A_shows_on_node_B_at_once_not_when_its_cache_expires()
    {
        await using var nodes = await StartAsync();
        var org = await nodes.A.CreateOrganisationAsync("Acme");
        await using (var asLearner = await nodes.B.AsAsync(org.Learner))
            Assert.Equal("Acme", (await asLearner.Get<Branding>().GetAsync()).Name); // now in node B's cache, for 10 minutes

        await using (var asAdmin = await nodes.A.AsAsync(org.Admin))
            await asAdmin.Get<Branding>().UpdateAsync("Acme Harbour", "#112233");

        await Eventually(async () =>
        {
            await using var asLearner = await nodes.B.AsAsync(org.Learner);
            return (await asLearner.Get<Branding>().GetAsync()) is { Name: "Acme Harbour", PrimaryColour: "#112233" };
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Only_one_node_streams_a_session_and_the_claim_is_renewed_while_it_streams()
    {
        // A 3 s claim is renewed every second: a renewal late by up to 2 s (a loaded machine) still holds it.
        await using var nodes = await StartAsync(streamClaimSeconds: 3);
        var (turnsA, turnsB) = (nodes.A.Services.GetRequiredService<ILiveAiTurns>(), nodes.B.Services.GetRequiredService<ILiveAiTurns>());
        Assert.IsType<RedisLiveAiTurns>(turnsA);
        var session = Guid.NewGuid();

        var claim = await turnsA.TryClaimAsync(session);
        Assert.NotNull(claim);
        Assert.Null(await turnsB.TryClaimAsync(session));
        Assert.Null(await turnsA.TryClaimAsync(session)); // a second tab on the same node too
        await Task.Delay(4500); // past the 3 s expiry: renewed, so still held
        Assert.Null(await turnsB.TryClaimAsync(session));
        Assert.NotNull(await turnsB.TryClaimAsync(Guid.NewGuid())); // other sessions are free

        await claim!.DisposeAsync();
        var onB = await turnsB.TryClaimAsync(session);
        Assert.NotNull(onB);
        await onB!.DisposeAsync();
    }

    [Fact]
    public async Task A_node_that_dies_mid_stream_leaves_the_session_to_another_node_when_its_claim_expires()
    {
        var prefix = TestRedis.NewPrefix();
        var session = Guid.NewGuid();
        // Node A, on a connection of its own that dies without releasing the claim (the process was killed).
        var dying = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
        var turnsA = NewTurns(dying, prefix, claimSeconds: 1);
        await using var alive = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
        var turnsB = NewTurns(alive, prefix, claimSeconds: 1);
        Assert.NotNull(await turnsA.TryClaimAsync(session));
        Assert.Null(await turnsB.TryClaimAsync(session));

        await dying.CloseAsync(allowCommandsToComplete: false);
        dying.Dispose();

        await Eventually(async () => await turnsB.TryClaimAsync(session) is not null, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_payload_protected_on_node_A_is_read_on_node_B_because_the_key_ring_is_in_the_database()
    {
        await using var nodes = await StartAsync();
        var protectedText = nodes.A.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(AiGate.KeyPurpose).Protect("sk-secret");

        Assert.Equal("sk-secret", nodes.B.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(AiGate.KeyPurpose).Unprotect(protectedText));
        await using var db = await nodes.A.OpenUnfilteredAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(nodes.A.DataDirectory, "keys")));
    }

    [Fact]
    public async Task A_single_node_that_scales_out_keeps_its_keys_so_stored_API_keys_stay_readable()
    {
        var single = new TestDatabase();
        await single.InitializeAsync();
        var stored = single.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(AiGate.KeyPurpose).Protect("sk-before");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(single.DataDirectory, "keys"), "*.xml"));

        // The same install restarted with Redis:Connection set: its file keys are carried into the database.
        await using var scaled = new TestDatabase { DataDirectory = single.DataDirectory, Settings = new ScaleOutNodes(redis).Settings };
        await scaled.InitializeAsync();

        Assert.Equal("sk-before", scaled.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(AiGate.KeyPurpose).Unprotect(stored));
        await using var db = await scaled.OpenUnfilteredAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        (single.Services as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task The_AI_call_limit_is_counted_across_nodes_even_when_their_calls_race()
    {
        await using var nodes = await StartAsync();
        var org = await nodes.A.CreateOrganisationAsync("Acme");
        await using (var db = await nodes.A.OpenUnfilteredAsync())
        {
            db.AiSettings.Add(new OrganisationAiSettings { OrganisationId = org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = "http://127.0.0.1:9/v1",
                Model = "m", UserCallsPerMinute = 3, UserCallsPerDay = 100, OrganisationCallsPerMinute = 100, OrganisationCallsPerDay = 100 });
            await db.SaveChangesAsync();
        }
        await using var onA = await nodes.A.AsAsync(org.Learner);
        await using var onB = await nodes.B.AsAsync(org.Learner);
        var callers = new[] { await onA.Get<CurrentUser>().GetAsync(), await onB.Get<CurrentUser>().GetAsync() };
        var gates = new[] { onA.Get<AiGate>(), onB.Get<AiGate>() };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                await gates[i % 2].OpenAsync(callers[i % 2], CancellationToken.None);
                return true;
            }
            catch (AiProviderException ex) when (ex.Message.StartsWith("You have reached your AI limit for this minute.", StringComparison.Ordinal))
            {
                return false;
            }
        })));

        Assert.Equal(3, results.Count(ok => ok));
        await using var check = await nodes.B.OpenUnfilteredAsync();
        Assert.Equal(3, await check.AiCalls.CountAsync(c => c.UserId == org.Learner.Id));
    }

    private async Task<ScaleOutNodes> StartAsync(int streamClaimSeconds = 30)
    {
        var nodes = new ScaleOutNodes(redis, streamClaimSeconds);
        await nodes.InitializeAsync();
        return nodes;
    }

    private static RedisLiveAiTurns NewTurns(IConnectionMultiplexer connection, string prefix, int claimSeconds) =>
        new(connection, new ScaleOutNode { Prefix = prefix },
            Microsoft.Extensions.Options.Options.Create(new ScaleOutOptions { StreamClaimSeconds = claimSeconds }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisLiveAiTurns>.Instance);

    private static async Task<int> PublishedScenarioAsync(TestDatabase node, TestOrganisation org)
    {
        var scenario = ScenarioSamples.Publishable("Cross-node pilot");
        await using var asCreator = await node.AsAsync(org.ContentManager);
        var id = await asCreator.Get<ScenarioCommands>().CreateAsync(scenario);
        await using var asAdmin = await node.AsAsync(org.Admin);
        await asAdmin.Get<ScenarioLifecycle>().PublishAsync(id);
        return id;
    }

    private static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()), TimeSpan.FromSeconds(5));

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Not within {within.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}

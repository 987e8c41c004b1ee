using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Ai;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Authoring;

namespace ScenarioStudio.Bench.Generate;

/// <summary>
/// <c>generate [--drafts N] [--parallel P] [--tokens-per-second R]</c>: N scenarios drafted through
/// <see cref="ScenarioDrafter"/> and the real Semantic Kernel connector against a loopback model that streams each section
/// at R tokens a second (default 20 drafts, 4 at a time, 200 tokens/s); every other draft comes back with three invalid
/// fields for the repair to fix. Times, per draft: from the model's first token to the first section the builder can show
/// (the first event carrying a completed section), and from Generate to the finished draft; counts drafts that pass the
/// builder's publishing rules after at most one repair. Prints
/// <c>generate drafts=N first_section_ms_p95=… complete_s_p95=… valid_after_repair=V/N</c>.
/// </summary>
public static class GenerateBenchmark
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var drafts = args.GetInt("drafts", 20, min: 1, max: 500);
        var parallel = args.GetInt("parallel", 4, min: 1, max: 50);
        var rate = args.GetInt("tokens-per-second", 200, min: 10, max: 10_000);
        args.RejectUnknown();

        await using var model = await DraftModelServer.StartAsync(rate);
        await using var host = await BenchHost.CreateAsync(keep: false);
        var org = await host.CreateOrganisationAsync("Bench Org");
        var admin = await host.AddMemberAsync(org, OrgRole.Admin, "Bench Admin");
        var creator = await host.AddMemberAsync(org, OrgRole.ContentManager, "Bench Creator", withPassword: false);
        await using (var scope = await host.AsAsync(admin))
        {
            await scope.ServiceProvider.GetRequiredService<AiSettingsService>().SaveAsync(new AiSettingsInput
            {
                Provider = AiProvider.OpenAiCompatible, Endpoint = model.BaseUrl, Model = "bench", DraftMaxTokens = 4000, TimeoutSeconds = 60,
                UserCallsPerMinute = 1000, UserCallsPerDay = 100_000, OrganisationCallsPerMinute = 10_000, OrganisationCallsPerDay = 1_000_000,
            });
        }

        // One draft first, not measured: a server that has been up has its code compiled and its connections open.
        await DraftOneAsync(host, creator, model, caseNo: 0);

        var results = new List<Result>();
        using var slots = new SemaphoreSlim(parallel);
        var runs = Enumerable.Range(1, drafts).Select(async n =>
        {
            await slots.WaitAsync();
            try
            {
                var r = await DraftOneAsync(host, creator, model, n);
                lock (results) results.Add(r);
                Log.Info(string.Create(CultureInfo.InvariantCulture, $"draft {n}: first section {r.FirstSectionMs:0} ms, persona {r.PersonaMs:0} ms, complete {r.CompleteS:0.0} s, "
                    + $"{(r.Repaired ? "repaired, " : "")}{(r.Valid ? "valid" : "INVALID: " + r.Problem)}"));
            }
            finally
            {
                slots.Release();
            }
        });
        await Task.WhenAll(runs);

        Log.Info(string.Create(CultureInfo.InvariantCulture, $"p50: first section {Percentile.Of(results.Select(r => r.FirstSectionMs).ToList(), 50):0} ms, customer "
            + $"{Percentile.Of(results.Select(r => r.PersonaMs).ToList(), 50):0} ms (p95 {Percentile.Of(results.Select(r => r.PersonaMs).ToList(), 95):0}), "
            + $"complete {Percentile.Of(results.Select(r => r.CompleteS).ToList(), 50):0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generate drafts={drafts} first_section_ms_p95={Percentile.Of(results.Select(r => r.FirstSectionMs).ToList(), 95):0}"
            + $" complete_s_p95={Percentile.Of(results.Select(r => r.CompleteS).ToList(), 95):0.0} valid_after_repair={results.Count(r => r.Valid)}/{drafts}"));
        return 0;
    }

    private sealed record Result(double FirstSectionMs, double PersonaMs, double CompleteS, bool Repaired, bool Valid, string Problem);

    private static async Task<Result> DraftOneAsync(BenchHost host, Account.ApplicationUser creator, DraftModelServer model, int caseNo)
    {
        var request = new DraftRequest
        {
            Situation = $"A long-standing customer wants to cancel after a price rise unless we find a reason to stay (case {caseNo}).",
            Domain = ScenarioDomain.Sales, Difficulty = Difficulty.Intermediate, Locale = "en-GB", Phases = 2 + caseNo % 5,
        };
        await using var scope = await host.AsAsync(creator);
        var drafter = scope.ServiceProvider.GetRequiredService<ScenarioDrafter>();
        var started = Stopwatch.GetTimestamp();
        long? firstSection = null, persona = null;
        DraftEvent? last = null;
        var repaired = false;
        await foreach (var e in drafter.DraftAsync(request))
        {
            var now = Stopwatch.GetTimestamp();
            if (e.Stage != DraftStage.Progress) firstSection ??= now;
            if (e.Draft.Persona.Name.Length > 0) persona ??= now;
            repaired |= e.Message.StartsWith("Rubric ready. Fixing", StringComparison.Ordinal);
            last = e;
        }
        var complete = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var firstToken = model.FirstToken[caseNo];
        var errors = last is { Done: true } ? DraftReader.Check(last.Draft).ToDictionary() : null;
        return new Result(
            Stopwatch.GetElapsedTime(firstToken, firstSection!.Value).TotalMilliseconds,
            Stopwatch.GetElapsedTime(firstToken, persona!.Value).TotalMilliseconds,
            complete, repaired, errors is { Count: 0 } && last!.Errors.Count == 0,
            errors is null ? "not finished" : string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
    }
}

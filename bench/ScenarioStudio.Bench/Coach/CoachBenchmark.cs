using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ScenarioStudio.Ai;
using ScenarioStudio.Ai.Coach;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Coach;

/// <summary>
/// Scores a graded answer set through the offline engine's coach (the path the practice page takes) and measures
/// agreement with the human grades: Spearman rank correlation, mean absolute difference, pass agreement (engine pass
/// vs human grade of 70 or more), the highest score given to keyword stuffing, warm per-answer time and model load.
/// </summary>
public static class CoachBenchmark
{
    public sealed record GradedAnswer(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("template")] string Template,
        [property: JsonPropertyName("phase_index")] int PhaseIndex,
        [property: JsonPropertyName("answer")] string Answer,
        [property: JsonPropertyName("human_score")] int HumanScore,
        [property: JsonPropertyName("kind")] string Kind);

    public sealed record EngineResult(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("engine_score")] int EngineScore,
        [property: JsonPropertyName("passed")] bool Passed,
        [property: JsonPropertyName("criteria")] Dictionary<string, int> Criteria);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var setPath = args.GetString("set") ?? throw new BenchUsageException("coach needs --set FILE (a JSON array of graded answers).");
        var outPath = args.GetString("out");
        var verbose = args.HasFlag("verbose");
        var search = args.HasFlag("search");
        var profile = args.HasFlag("profile");
        var explain = args.GetString("explain");
        var cv = args.HasFlag("cv");
        var exclude = args.GetString("exclude-template");
        var threads = args.GetInt("threads", new CoachModelOptions().Threads, 1, 16);
        args.RejectUnknown();

        // --set takes one file or several, comma-separated (tune.json,tune-extra.json,tune-2.json), read as one set.
        var set = new List<GradedAnswer>();
        foreach (var file in setPath.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            set.AddRange(JsonSerializer.Deserialize<List<GradedAnswer>>(await File.ReadAllTextAsync(file)) ?? []);
        if (exclude is not null) set = set.Where(a => a.Template != exclude && a.Template != exclude + ".json").ToList();
        if ((search || cv) && setPath.Contains("holdout", StringComparison.OrdinalIgnoreCase))
            throw new BenchUsageException("--search and --cv tune the coach: never on the held-out set.");
        var templates = ScenarioLibrary.All.ToDictionary(t => t.Key + ".json", t => t.Document);
        foreach (var a in set)
        {
            if (!templates.TryGetValue(a.Template, out var doc)) throw new BenchUsageException($"{a.Id}: no seeded template '{a.Template}'.");
            if (a.PhaseIndex < 0 || a.PhaseIndex >= doc.Phases.Count) throw new BenchUsageException($"{a.Id}: '{a.Template}' has no phase {a.PhaseIndex}.");
        }

        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var before = Environment.WorkingSet;
        var load = Stopwatch.StartNew();
        using var embedder = new MiniLmEmbedder(Options.Create(new CoachModelOptions { Threads = threads }));
        embedder.Warm();
        load.Stop();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var modelMb = (Environment.WorkingSet - before) / 1024.0 / 1024.0;

        var judge = new CoachJudge(new EmbeddingCache(embedder));
        var ai = new ScriptedPracticeAi(Options.Create(new OfflineAiOptions { WordDelayMs = 0 }), judge);
        // Warm: every phase's material is prepared and the code is compiled, as on a server that has been running.
        foreach (var (doc, phase) in set.Select(a => (templates[a.Template], a.PhaseIndex)).Distinct())
            await ScoreAsync(ai, doc, phase, doc.Phases[phase].IdealResponse);

        if (search) { Search(set, templates, new EmbeddingCache(embedder), log: true); return 0; }
        if (cv) { CrossValidate(set, templates, new EmbeddingCache(embedder)); return 0; }
        if (profile)
        {
            var embedMs = new List<double>();
            foreach (var a in set)
            {
                var sentences = Text.Sentences(a.Answer).Select(x => x + " ").ToList();
                var t0 = Stopwatch.GetTimestamp();
                embedder.Embed(sentences);
                embedMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            embedMs.Sort();
            Log.Info($"embedding only: p50 {embedMs[embedMs.Count / 2]:F1} p95 {embedMs[(int)(0.95 * embedMs.Count)]:F1} ms");
        }

        var results = new List<(GradedAnswer Answer, Assessment Assessment, double Ms)>();
        foreach (var a in set)
        {
            var doc = templates[a.Template];
            var started = Stopwatch.GetTimestamp();
            var assessment = await ScoreAsync(ai, doc, a.PhaseIndex, a.Answer);
            results.Add((a, assessment, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }

        // --explain takes answer ids or kinds, comma-separated ("wrong_substance,sales-whatsapp-trial-pack-p0-05").
        var explained = explain?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet() ?? [];
        foreach (var r in results.Where(r => explained.Contains(r.Answer.Id) || explained.Contains(r.Answer.Kind)))
            Log.Info($"{r.Answer.Id} [{r.Answer.Kind}] human {r.Answer.HumanScore} engine {r.Assessment.Overall}: {r.Answer.Answer}\n  {string.Join("\n  ", r.Assessment.Criteria.Select(c => $"{c.Name} {c.Score}: {c.Evidence}"))}" +
                $"\n  went well: {string.Join(" ", r.Assessment.WentWell)}\n  improve: {string.Join(" ", r.Assessment.ToImprove)}");

        var human = results.Select(r => (double)r.Answer.HumanScore).ToArray();
        var engine = results.Select(r => (double)r.Assessment.Overall).ToArray();
        var spearman = Spearman(human, engine);
        var mad = results.Average(r => Math.Abs(r.Assessment.Overall - r.Answer.HumanScore));
        var agreement = results.Count(r => r.Assessment.ObjectiveMet == (r.Answer.HumanScore >= 70)) / (double)Math.Max(1, results.Count);
        var stuffing = results
            .Where(r => r.Answer.Kind.Contains("stuffing", StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Assessment.Overall)
            .DefaultIfEmpty(0)
            .Max();
        var ms = results.Select(r => r.Ms).Order().ToList();
        var p95 = ms.Count == 0 ? 0 : ms[(int)Math.Ceiling(0.95 * ms.Count) - 1];

        foreach (var kind in results.GroupBy(r => r.Answer.Kind).OrderBy(g => g.Key))
            Log.Info($"  {kind.Key,-20} n={kind.Count(),3} human={kind.Average(r => r.Answer.HumanScore),5:F1} " +
                $"engine={kind.Average(r => r.Assessment.Overall),5:F1} mad={kind.Average(r => Math.Abs(r.Assessment.Overall - r.Answer.HumanScore)),5:F1}");
        if (verbose)
            foreach (var r in results.OrderByDescending(r => Math.Abs(r.Assessment.Overall - r.Answer.HumanScore)).Take(40))
                Log.Info($"  {r.Answer.Id} [{r.Answer.Kind}] human {r.Answer.HumanScore} engine {r.Assessment.Overall}: {r.Answer.Answer}" +
                    $"\n      {string.Join(" | ", r.Assessment.Criteria.Select(c => $"{c.Name} {c.Score}"))}" +
                    $"\n      {string.Join(" ", r.Assessment.ToImprove.Take(3))}");
        Log.Info($"model working set +{modelMb:F0} MB");

        if (outPath is not null)
        {
            var output = results.Select(r => new EngineResult(r.Answer.Id, r.Assessment.Overall, r.Assessment.ObjectiveMet,
                r.Assessment.Criteria.ToDictionary(c => c.Name, c => c.Score))).ToList();
            await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(output, new JsonSerializerOptions { WriteIndented = true }));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"coach answers={results.Count} spearman={spearman:F3} mad={mad:F1} pass_agreement={agreement:F3}" +
            $" stuffing_max={stuffing} ms_p95={p95:F1} load_ms={load.ElapsedMilliseconds}"));
        return 0;
    }

    /// <summary>
    /// Coordinate search over the coach's thresholds on this set (use the tuning half only): each pass tries a few
    /// values per threshold and keeps the one with the best Spearman plus pass agreement.
    /// </summary>
    private static CoachTuning Search(List<GradedAnswer> set, Dictionary<string, ScenarioDocument> templates, EmbeddingCache cache, bool log)
    {
        double Objective(CoachTuning t)
        {
            var judge = new CoachJudge(cache, t);
            var scored = set.Select(a => (a, judge.Assess(templates[a.Template], a.PhaseIndex, a.Answer))).ToList();
            var rho = Spearman(scored.Select(x => (double)x.a.HumanScore).ToArray(), scored.Select(x => (double)x.Item2.Overall).ToArray());
            var agree = scored.Count(x => x.Item2.ObjectiveMet == (x.a.HumanScore >= 70)) / (double)scored.Count;
            return rho + agree;
        }
        var best = CoachTuning.Default;
        var bestScore = Objective(best);
        if (log) Log.Info($"start {bestScore:F3}");
        var knobs = new (string Name, Func<CoachTuning, double> Get, Func<CoachTuning, double, CoachTuning> Set, double Step)[]
        {
            ("Low", t => t.Low, (t, v) => t with { Low = v }, 0.04),
            ("High", t => t.High, (t, v) => t with { High = v }, 0.04),
            ("DescriptionLow", t => t.DescriptionLow, (t, v) => t with { DescriptionLow = v }, 0.04),
            ("DescriptionHigh", t => t.DescriptionHigh, (t, v) => t with { DescriptionHigh = v }, 0.04),
            ("FactsWeight", t => t.FactsWeight, (t, v) => t with { FactsWeight = v }, 0.1),
            ("IdealWeight", t => t.IdealWeight, (t, v) => t with { IdealWeight = v }, 0.1),
            ("ContradictionSimilarity", t => t.ContradictionSimilarity, (t, v) => t with { ContradictionSimilarity = v }, 0.05),
            ("MistakeSimilarity", t => t.MistakeSimilarity, (t, v) => t with { MistakeSimilarity = v }, 0.04),
            ("MistakeMargin", t => t.MistakeMargin, (t, v) => t with { MistakeMargin = v }, 0.04),
            ("MistakeDescriptionSimilarity", t => t.MistakeDescriptionSimilarity, (t, v) => t with { MistakeDescriptionSimilarity = v }, 0.1),
            ("MistakeDescriptionMargin", t => t.MistakeDescriptionMargin, (t, v) => t with { MistakeDescriptionMargin = v }, 0.03),
            ("AvoidSimilarity", t => t.AvoidSimilarity, (t, v) => t with { AvoidSimilarity = v }, 0.05),
            ("GrammarSlipCost", t => t.GrammarSlipCost, (t, v) => t with { GrammarSlipCost = v }, 3),
            ("SupportSimilarity", t => t.SupportSimilarity, (t, v) => t with { SupportSimilarity = v }, 0.05),
        };
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var (name, get, setter, step) in knobs)
            {
                foreach (var delta in new[] { -2 * step, -step, step, 2 * step })
                {
                    var candidate = setter(best, Math.Round(get(best) + delta, 3));
                    var score = Objective(candidate);
                    if (score > bestScore + 0.002) { best = candidate; bestScore = score; if (log) Log.Info($"  {name} = {get(best)}: {score:F3}"); }
                }
            }
        }
        if (log) Log.Info($"best {bestScore:F3}: {best}");
        return best;
    }

    /// <summary>
    /// Leave-one-template-out cross-validation: for each template, the thresholds are searched on the other templates'
    /// answers only and then score the left-out template's answers. Prints the pooled figures over all left-out answers
    /// (how the tuning generalises to a template it never saw) next to the same answers scored with the defaults.
    /// </summary>
    private static void CrossValidate(List<GradedAnswer> set, Dictionary<string, ScenarioDocument> templates, EmbeddingCache cache)
    {
        var searched = new List<(GradedAnswer Answer, int Score, bool Passed)>();
        var plain = new List<(GradedAnswer Answer, int Score, bool Passed)>();
        var defaults = new CoachJudge(cache);
        foreach (var template in set.Select(a => a.Template).Distinct().Order())
        {
            var rest = set.Where(a => a.Template != template).ToList();
            var left = set.Where(a => a.Template == template).ToList();
            var judge = new CoachJudge(cache, Search(rest, templates, cache, log: false));
            var fold = left.Select(a => (a, judge.Assess(templates[a.Template], a.PhaseIndex, a.Answer))).Select(x => (x.a, x.Item2.Overall, x.Item2.ObjectiveMet)).ToList();
            searched.AddRange(fold);
            plain.AddRange(left.Select(a => (a, defaults.Assess(templates[a.Template], a.PhaseIndex, a.Answer))).Select(x => (x.a, x.Item2.Overall, x.Item2.ObjectiveMet)));
            Log.Info($"  fold {template,-45} {Figures(fold)}");
        }
        Log.Info($"defaults on the same answers: {Figures(plain)}");
        Console.WriteLine($"coach-cv {Figures(searched)}");
    }

    private static string Figures(List<(GradedAnswer Answer, int Score, bool Passed)> r)
    {
        var rho = Spearman(r.Select(x => (double)x.Answer.HumanScore).ToArray(), r.Select(x => (double)x.Score).ToArray());
        var mad = r.Average(x => Math.Abs(x.Score - x.Answer.HumanScore));
        var agree = r.Count(x => x.Passed == (x.Answer.HumanScore >= 70)) / (double)r.Count;
        var stuffing = r.Where(x => x.Answer.Kind.Contains("stuffing", StringComparison.OrdinalIgnoreCase)).Select(x => x.Score).DefaultIfEmpty(0).Max();
        return string.Create(CultureInfo.InvariantCulture, $"answers={r.Count} spearman={rho:F3} mad={mad:F1} pass_agreement={agree:F3} stuffing_max={stuffing}");
    }

    private static async Task<Assessment> ScoreAsync(ScriptedPracticeAi ai, ScenarioDocument doc, int phase, string answer)
    {
        var request = new CoachRequest(doc, phase, doc.Phases[phase].CustomerOpening, answer, null, []);
        await foreach (var e in ai.StreamCoachAsync(request, CancellationToken.None))
            if (e.Assessment is not null) return e.Assessment;
        throw new InvalidOperationException("The coach ended without an assessment.");
    }

    /// <summary>Spearman's rho: Pearson correlation of the ranks, ties given their average rank.</summary>
    public static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++) { sxy += (rx[i] - mx) * (ry[i] - my); sxx += (rx[i] - mx) * (rx[i] - mx); syy += (ry[i] - my) * (ry[i] - my); }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Transfer;

namespace ScenarioStudio.Bench.Transfer;

/// <summary>
/// <c>transfer [--scenarios N] [--keep]</c>: N six-phase scenarios (the seeded templates, each grown to six phases) as
/// the workbook an export gives are imported once to warm the process up, then dry-run and imported into an empty
/// organisation through <see cref="ScenarioTransfer"/>
/// (timed, with the process's peak working set sampled every 5 ms), and an Admin publishes the N new drafts in one bulk
/// action (timed). Then they are imported into a second organisation (not timed) and exported whole as JSON, YAML and
/// Excel (timed, after one warm-up each). Prints
/// <c>transfer scenarios=N export_json_s=… export_yaml_s=… export_xlsx_s=… dryrun_xlsx_s=… import_xlsx_s=… import_peak_mb=… bulk_publish_s=…</c>.
/// </summary>
public static class TransferBenchmark
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.GetInt("scenarios", 1000, min: 10, max: 10_000);
        var keep = args.HasFlag("keep");
        args.RejectUnknown();

        await using var host = await BenchHost.CreateAsync(keep);
        Log.Info($"database in {host.Directory}");
        var source = await host.CreateOrganisationAsync("Source Org");
        var sourceAdmin = await host.AddMemberAsync(source, OrgRole.Admin, "Source Admin");
        var target = await host.CreateOrganisationAsync("Target Org");
        var targetAdmin = await host.AddMemberAsync(target, OrgRole.Admin, "Target Admin");

        // The workbook an export of these scenarios gives (the same writer, the same order), imported first: the import's peak working
        // set is then the server's, not what the seeding and exports below leave in the process. The documents themselves are
        // made again for the seeding below rather than kept alive (46 MB of the benchmark's own objects) through the import.
        var xlsx = await ScenarioFileWriter.ToBytesAsync(SixPhaseScenarios(count), TransferFormat.Xlsx);
        // A running server's code is compiled to its optimised tier; a cold process's first import runs unoptimised code
        // for seconds. One whole import into another organisation first, as a server that has been up does.
        var warmOrg = await host.CreateOrganisationAsync("Warm-up Org");
        var warmAdmin = await host.AddMemberAsync(warmOrg, OrgRole.Admin, "Warm-up Admin");
        await Transfer(host, warmAdmin, t => t.DryRunAsync(xlsx, "warm-up.xlsx"));
        await Transfer(host, warmAdmin, t => t.ImportAsync(xlsx, "warm-up.xlsx"));
        Log.Info($"workbook of {count} scenarios: {xlsx.Length / 1024.0 / 1024.0:0.0} MB");

        var dryBegun = Stopwatch.GetTimestamp();
        var dryCpu = CpuSeconds();
        var plan = await Transfer(host, targetAdmin, t => t.DryRunAsync(xlsx, "library.xlsx"));
        var drySeconds = Stopwatch.GetElapsedTime(dryBegun).TotalSeconds;
        Log.Info($"dry run: {CpuSeconds() - dryCpu:0.000} s of CPU time");
        if (plan.Creates != count || plan.Problems.Count > 0)
            throw new InvalidOperationException($"The dry run plans {plan.Creates} creates with {plan.Problems.Count} problems: " +
                string.Join("; ", plan.Problems.Take(5)));

        // Collected after a yield, in a new run of this method's code: the run that awaited the dry run still held its
        // finished task, and through it the dry run's 46 MB of parsed documents, which then sat on the heap all through
        // the import (managed heap before it 71-88 MB, now 24 MB).
        await Task.Yield();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using (var before = Process.GetCurrentProcess())
        {
            // The GC keeps memory it has committed once: on a VM that reports a large L3 cache its gen0 budget is large too.
            var gc = GC.GetGCMemoryInfo();
            Log.Info($"before the import: working set {before.WorkingSet64 / 1024.0 / 1024.0:0} MB, " +
                $"managed heap {gc.HeapSizeBytes / 1024.0 / 1024.0:0} MB, committed by the GC {gc.TotalCommittedBytes / 1024.0 / 1024.0:0} MB");
        }
        var memory = PeakWorkingSet.Start();
        var importBegun = Stopwatch.GetTimestamp();
        var importCpu = CpuSeconds();
        var imported = await Transfer(host, targetAdmin, t => t.ImportAsync(xlsx, "library.xlsx"));
        var importSeconds = Stopwatch.GetElapsedTime(importBegun).TotalSeconds;
        var peakMb = await memory.StopAsync();
        Log.Info($"import: {CpuSeconds() - importCpu:0.000} s of CPU time");
        if (!imported.Imported) throw new InvalidOperationException("The workbook did not import.");

        // One bulk publish of the warm-up organisation's scenarios first (not timed, after the measured import so as not to
        // add to its peak), as the import and each export have a warm-up: the publish's own code (EF's update and insert
        // paths for scenarios, versions, review events and audit rows) is otherwise compiled inside the measured run.
        await Bulk(host, warmAdmin, async bulk => await bulk.PublishAsync(await ImportedIdsAsync(host, warmOrg), null, CancellationToken.None));
        var ids = await ImportedIdsAsync(host, target);
        var publishBegun = Stopwatch.GetTimestamp();
        var publishCpu = CpuSeconds();
        var published = await Bulk(host, targetAdmin, bulk => bulk.PublishAsync(ids, null, CancellationToken.None));
        var publishSeconds = Stopwatch.GetElapsedTime(publishBegun).TotalSeconds;
        Log.Info($"bulk publish: {published.Summary} {CpuSeconds() - publishCpu:0.000} s of CPU time");

        var watch = Stopwatch.StartNew();
        // The source organisation is seeded through the import in files of 250 (1,000 six-phase scenarios as indented
        // JSON pass the 20 MB file limit), then exported whole in each format.
        foreach (var chunk in SixPhaseScenarios(count).Chunk(250))
        {
            var seed = await ScenarioFileWriter.ToBytesAsync(chunk, TransferFormat.Json);
            var seeded = await Transfer(host, sourceAdmin, t => t.ImportAsync(seed, "seed.json"));
            if (!seeded.Imported) throw new InvalidOperationException("The seed did not import: " + string.Join("; ", seeded.Problems.Take(5)));
        }
        Log.Info($"seeded {count} scenarios in {Log.Seconds(watch.Elapsed)} s");
        var exports = new Dictionary<TransferFormat, double>();
        foreach (var format in Enum.GetValues<TransferFormat>())
        {
            await Transfer(host, sourceAdmin, t => t.ExportAllAsync(format)); // warm-up
            var begun = Stopwatch.GetTimestamp();
            var file = await Transfer(host, sourceAdmin, t => t.ExportAllAsync(format));
            exports[format] = Stopwatch.GetElapsedTime(begun).TotalSeconds;
            if (file.Count != count) throw new InvalidOperationException($"The {format} export holds {file.Count} scenarios, not {count}.");
            Log.Info($"{format}: {file.Content.Length / 1024.0 / 1024.0:0.0} MB in {exports[format]:0.000} s");
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"transfer scenarios={count} export_json_s={exports[TransferFormat.Json]:0.000} " +
            $"export_yaml_s={exports[TransferFormat.Yaml]:0.000} export_xlsx_s={exports[TransferFormat.Xlsx]:0.000} " +
            $"dryrun_xlsx_s={drySeconds:0.000} import_xlsx_s={importSeconds:0.000} import_peak_mb={peakMb:0} " +
            $"bulk_publish_s={publishSeconds:0.000}"));
        return 0;
    }

    private static async Task<T> Transfer<T>(BenchHost host, ApplicationUser user, Func<ScenarioTransfer, Task<T>> call)
    {
        await using var scope = await host.AsAsync(user);
        return await call(scope.ServiceProvider.GetRequiredService<ScenarioTransfer>());
    }

    /// <summary>The process's CPU time (all threads), logged beside the wall times: on a busy machine it moves far less.</summary>
    private static double CpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static async Task<T> Bulk<T>(BenchHost host, ApplicationUser user, Func<ScenarioBulk, Task<T>> call)
    {
        await using var scope = await host.AsAsync(user);
        return await call(scope.ServiceProvider.GetRequiredService<ScenarioBulk>());
    }

    private static async Task<List<int>> ImportedIdsAsync(BenchHost host, Guid organisationId)
    {
        await using var db = await host.OpenUnfilteredAsync();
        return [.. db.Scenarios.Where(s => s.OrganisationId == organisationId).Select(s => s.Id)];
    }

    /// <summary>The seeded templates in turn, each grown to six phases (its phases repeated), with their own titles and slugs.</summary>
    private static List<ScenarioDocument> SixPhaseScenarios(int count)
    {
        var templates = ScenarioLibrary.All.Select(t => t.Document).ToList();
        var docs = new List<ScenarioDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var doc = ScenarioJson.Clone(templates[i % templates.Count]);
            doc.Title = $"{doc.Title} {i + 1:0000}"[..Math.Min(100, doc.Title.Length + 5)];
            doc.Slug = $"{doc.Slug[..Math.Min(70, doc.Slug.Length)]}-{i + 1:0000}";
            var phases = doc.Phases.Select(p => ScenarioJson.Clone(p)).ToList();
            while (doc.Phases.Count < 6) doc.Phases.Add(ScenarioJson.Clone(phases[doc.Phases.Count % phases.Count]));
            for (var p = 0; p < doc.Phases.Count; p++)
            {
                doc.Phases[p].Key = ScenarioVersioning.NewPhaseKey();
                doc.Phases[p].ExpectedMinutes = Math.Min(doc.Phases[p].ExpectedMinutes, 10);
            }
            docs.Add(doc);
        }
        // In slug order, as an export writes them (and as its workbook compresses: like rows sit together).
        return docs.OrderBy(d => d.Slug, StringComparer.Ordinal).ToList();
    }
}

using ScenarioStudio.Bench.Audit;
using ScenarioStudio.Bench.Coach;
using ScenarioStudio.Bench.Dashboard;
using ScenarioStudio.Bench.Experiments;
using ScenarioStudio.Bench.Generate;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Bench.Lifecycle;
using ScenarioStudio.Bench.Programs;
using ScenarioStudio.Bench.Search;
using ScenarioStudio.Bench.Streaming;
using ScenarioStudio.Bench.Transfer;

// Benchmarks, one per command. Each prints exactly one figure line to stdout; progress goes to stderr.
// To add one: write a class with a static Task<int> RunAsync(BenchArgs) and register it below.
var commands = new BenchCommand[]
{
    new("search", "[--scenarios N] [--breakdown] [--keep] [--fts-only] [--provider sqlite|postgres]",
        "Full-text search through ScenarioQueries.SearchAsync vs a plain LIKE scan, over N scenarios (default 100000); on PostgreSQL after copy-to-postgresql.",
        SearchBenchmark.RunAsync),
    new("streaming", "[--streams N] [--paint] [--tokens-csv FILE]",
        "N concurrent practice pages in headless Chromium stream 300 tokens at 100 tokens/s from a loopback model server (default 25).",
        StreamingBenchmark.RunAsync),
    new("dashboard", "[--sessions N] [--keep] [--provider sqlite|postgres]",
        "Manager dashboard, learner progress and the every-session Excel export over N sessions of a year (default 100000).",
        DashboardBenchmark.RunAsync),
    new("coach", "--set FILE[,FILE…] [--out FILE] [--verbose] [--explain ID] [--search] [--cv] [--exclude-template NAME] [--threads N] [--profile]",
        "Scores a graded answer set (bench/coach-set/) through the offline coach; agreement with the human grades, speed and model load.",
        CoachBenchmark.RunAsync),
    new("audit", "[--rows N] [--keep]",
        "Audit log pages through AuditLogService.PageAsync under every filter combination, over N entries (default 1000000).",
        AuditBenchmark.RunAsync),
    new("lifecycle", "[--scenarios N] [--audit-rows N] [--keep]",
        "History, version diff, audit log page and approving a change over N scenarios with 10 versions each and 1,000,000 audit rows (default 10000).",
        LifecycleBenchmark.RunAsync),
    new("transfer", "[--scenarios N] [--keep]",
        "Exports N six-phase scenarios as JSON, YAML and Excel, dry-runs and imports the workbook, then bulk-publishes the drafts (default 1000).",
        TransferBenchmark.RunAsync),
    new("programs", "[--learners N] [--keep]",
        "Program grid and the learner's list of assigned work: N learners in teams of 50 on 20 ten-day programs over a year (default 2000).",
        ProgramsBenchmark.RunAsync),
    new("experiment", "[--learners N] [--weeks W] [--keep]",
        "The A/B experiment page's comparison over N learners split 50/50, each practising weekly for W weeks (default 2000, 52).",
        ExperimentBenchmark.RunAsync),
    new("nodes", "[--streams N] [--paint]",
        "Two app nodes with Redis, one SQLite file: N practice pages alternate between them (as streaming); node A's finished sessions reach node B.",
        NodesBenchmark.RunAsync),
    new("generate", "[--drafts N] [--parallel P] [--tokens-per-second R]",
        "N scenarios drafted with AI against a loopback model streaming R tokens/s, P at a time; every other one needs a repair (default 20, 4, 200).",
        GenerateBenchmark.RunAsync),
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    BenchCommand.PrintUsage(commands);
    return args.Length == 0 ? 2 : 0;
}

var command = commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (command is null)
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'.");
    BenchCommand.PrintUsage(commands);
    return 2;
}

BenchArgs options;
try
{
    options = BenchArgs.Parse(args.AsSpan(1));
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine(e.Message);
    BenchCommand.PrintUsage(commands);
    return 2;
}

try
{
    return await command.Run(options);
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine(e.Message);
    BenchCommand.PrintUsage(commands);
    return 2;
}

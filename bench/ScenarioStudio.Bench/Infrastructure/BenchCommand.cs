namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>One benchmark the dispatcher in Program.cs knows.</summary>
public sealed record BenchCommand(string Name, string Options, string Description, Func<BenchArgs, Task<int>> Run)
{
    public static void PrintUsage(IEnumerable<BenchCommand> commands)
    {
        var e = Console.Error;
        e.WriteLine("Usage: dotnet run -c Release --project bench/ScenarioStudio.Bench -- <benchmark> [options]");
        e.WriteLine();
        e.WriteLine("Benchmarks:");
        foreach (var c in commands)
        {
            e.WriteLine($"  {c.Name} {c.Options}");
            e.WriteLine($"      {c.Description}");
        }
        e.WriteLine();
        e.WriteLine("Each benchmark prints one figure line to stdout; progress and diagnostics go to stderr.");
    }
}

public sealed class BenchUsageException(string message) : Exception(message);

using System.Diagnostics;
using System.Globalization;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>Progress to stderr; stdout is reserved for the one figure line.</summary>
public static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Info(string message) =>
        Console.Error.WriteLine($"[{Clock.Elapsed.TotalSeconds,7:0.0}s] {message}");

    public static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}

public static class Percentile
{
    /// <summary>Nearest-rank percentile (p in 0..100) of the samples.</summary>
    public static double Of(IReadOnlyCollection<double> samples, double p)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

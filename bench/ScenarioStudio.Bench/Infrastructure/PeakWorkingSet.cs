using System.Diagnostics;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>The process's working set sampled every 5 ms while a measured step runs; <see cref="StopAsync"/> gives the peak in MB.</summary>
public sealed class PeakWorkingSet
{
    private readonly CancellationTokenSource sampling = new();
    private readonly Task sampler;
    private long peak;

    private PeakWorkingSet() => sampler = Task.Run(async () =>
    {
        using var process = Process.GetCurrentProcess();
        while (!sampling.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            try { await Task.Delay(5, sampling.Token); } catch (OperationCanceledException) { }
        }
    });

    public static PeakWorkingSet Start() => new();

    public async Task<double> StopAsync()
    {
        await sampling.CancelAsync();
        await sampler;
        sampling.Dispose();
        return peak / 1024.0 / 1024.0;
    }
}

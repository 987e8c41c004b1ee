namespace ScenarioStudio.Ai.Coach;

/// <summary>Loads the sentence model in the background as the app starts, so the first learner's answer does not wait for it.</summary>
public sealed class CoachModelWarmUp(MiniLmEmbedder embedder, ILogger<CoachModelWarmUp> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            embedder.Warm();
            logger.LogInformation("Offline coach model loaded in {Ms} ms", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            // The first answer will try again and report the failure to the learner with Retry.
            logger.LogError(e, "The offline coach model failed to load");
        }
    }, stoppingToken);
}

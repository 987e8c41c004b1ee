namespace ScenarioStudio.Experiments;

public static class ExperimentExtensions
{
    /// <summary>A/B experiments on scenario variants.</summary>
    public static IHostApplicationBuilder AddExperiments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ExperimentService>();
        return builder;
    }
}

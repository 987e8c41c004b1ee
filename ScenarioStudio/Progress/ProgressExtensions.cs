namespace ScenarioStudio.Progress;

public static class ProgressExtensions
{
    /// <summary>Learner progress, the team dashboard, assignments and scenario analytics.</summary>
    public static IHostApplicationBuilder AddProgress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProgressService>();
        builder.Services.AddScoped<TeamDashboardService>();
        builder.Services.AddScoped<ScenarioAnalyticsService>();
        builder.Services.AddScoped<AssignmentService>();
        builder.Services.AddSingleton<AssignmentReminders>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AssignmentReminders>());
        return builder;
    }
}

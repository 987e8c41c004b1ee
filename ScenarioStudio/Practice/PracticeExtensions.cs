using ScenarioStudio.Ai;
using ScenarioStudio.Ai.Coach;

namespace ScenarioStudio.Practice;

public static class PracticeExtensions
{
    public static IHostApplicationBuilder AddPractice(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<OfflineAiOptions>(builder.Configuration.GetSection("Ai:Offline"));
        builder.Services.Configure<CoachModelOptions>(builder.Configuration.GetSection("Ai:Offline:Model"));
        builder.Services.AddSingleton<MiniLmEmbedder>();
        builder.Services.AddSingleton<ITextEmbedder>(sp => sp.GetRequiredService<MiniLmEmbedder>());
        builder.Services.AddSingleton<EmbeddingCache>();
        builder.Services.AddSingleton<CoachJudge>();
        builder.Services.AddHostedService<CoachModelWarmUp>();
        builder.Services.AddHttpClient(KernelPracticeAi.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddScoped<AiGate>();
        builder.Services.AddSingleton<AiCallPruning>();
        builder.Services.AddScoped<AiSettingsService>();
        builder.Services.AddScoped<PracticeService>();
        builder.Services.AddScoped<Progress.ProgressService>();
        builder.Services.AddScoped<Progress.TeamDashboardService>();
        builder.Services.AddScoped<Progress.ScenarioAnalyticsService>();
        builder.Services.AddScoped<Progress.AssignmentService>();
        builder.Services.AddSingleton<PracticeEvents>();
        return builder;
    }
}

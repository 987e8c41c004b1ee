using ScenarioStudio.Ai.Coach;

namespace ScenarioStudio.Ai;

public static class AiExtensions
{
    /// <summary>The engines behind practice: the offline coach and customer with their sentence model, and the Semantic Kernel engine.</summary>
    public static IHostApplicationBuilder AddAi(this IHostApplicationBuilder builder)
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
        return builder;
    }
}

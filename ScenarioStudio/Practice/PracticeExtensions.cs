namespace ScenarioStudio.Practice;

public static class PracticeExtensions
{
    public static IHostApplicationBuilder AddPractice(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PracticeService>();
        builder.Services.AddScoped<SessionHistory>();
        builder.Services.AddScoped<LearnerHome>();
        builder.Services.AddSingleton<ILiveAiTurns, InProcessLiveAiTurns>();
        builder.Services.AddSingleton<ITurnSaveGate, InProcessTurnSaveGate>();
        builder.Services.AddSingleton<TryOuts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TryOuts>());
        return builder;
    }
}

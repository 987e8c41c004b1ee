namespace ScenarioStudio.Scenarios.Authoring;

public static class AuthoringExtensions
{
    /// <summary>AI-assisted authoring: drafting a scenario from a description or a document, through the provider or from the templates.</summary>
    public static IHostApplicationBuilder AddAuthoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ScenarioDrafter>();
        builder.Services.AddScoped<TemplateDrafter>();
        builder.Services.AddScoped<PartImprover>();
        builder.Services.AddScoped<ScenarioTranslator>();
        builder.Services.AddScoped<DraftHandover>();
        return builder;
    }
}

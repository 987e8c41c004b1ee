namespace ScenarioStudio.Audit;

public static class AuditExtensions
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ClientAddress>();
        builder.Services.AddScoped<AuditTrail>();
        return builder;
    }
}

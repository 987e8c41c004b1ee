using ScenarioStudio.Ai;

namespace ScenarioStudio.Practice;

public static class PracticeExtensions
{
    public static IHostApplicationBuilder AddPractice(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<OfflineAiOptions>(builder.Configuration.GetSection("Ai:Offline"));
        builder.Services.AddHttpClient(KernelPracticeAi.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddScoped<AiGate>();
        builder.Services.AddScoped<AiSettingsService>();
        builder.Services.AddScoped<PracticeService>();
        builder.Services.AddScoped<Progress.ProgressService>();
        builder.Services.AddScoped<Progress.TeamDashboardService>();
        builder.Services.AddScoped<Progress.ScenarioAnalyticsService>();
        builder.Services.AddSingleton<PracticeEvents>();
        return builder;
    }

    /// <summary>Dashboard tables as files: the service checks the caller's role, organisation and teams.</summary>
    public static WebApplication MapProgressExports(this WebApplication app)
    {
        app.MapGet("/exports/{table}.{format}", async (string table, string format, HttpContext context,
            [Microsoft.AspNetCore.Mvc.FromServices] ScenarioStudio.Organisations.CurrentUser currentUser,
            [Microsoft.AspNetCore.Mvc.FromServices] Progress.TeamDashboardService dashboards) =>
        {
            currentUser.Use(context.User);
            var dashboard = await dashboards.GetAsync(ct: context.RequestAborted);
            var export = table switch
            {
                "team-learners" => Progress.TeamDashboardService.LearnersTable(dashboard),
                "team-scenarios" => Progress.TeamDashboardService.ScenariosTable(dashboard),
                _ => null,
            };
            if (export is null) return Results.NotFound();
            var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd");
            return format switch
            {
                "csv" => Results.File(Progress.TableExport.ToCsv(export), "text/csv; charset=utf-8", $"{table}-{stamp}.csv"),
                "xlsx" => Results.File(Progress.TableExport.ToExcel(export), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{table}-{stamp}.xlsx"),
                _ => Results.NotFound(),
            };
        }).RequireAuthorization();
        return app;
    }
}

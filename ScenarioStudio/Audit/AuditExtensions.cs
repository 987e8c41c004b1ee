using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;

namespace ScenarioStudio.Audit;

public static class AuditExtensions
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ClientAddress>();
        builder.Services.AddScoped<AuditTrail>();
        builder.Services.AddScoped<ExportAudit>();
        builder.Services.AddScoped<AuditLogService>();
        builder.Services.AddScoped<CircuitHandler, ClientAddressCapture>();
        return builder;
    }

    /// <summary>
    /// Each HTTP request (export downloads, the account pages) records its client's address. After
    /// <c>UseReverseProxy</c>, so a trusted proxy's X-Forwarded-For has been applied.
    /// </summary>
    public static WebApplication UseAudit(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<ClientAddress>().Value = ClientAddress.Show(context.Connection.RemoteIpAddress);
            return next(context);
        });
        return app;
    }

    /// <summary>The audit log's rows under the page's filters as Excel or CSV: Admins only (the service checks), itself audited.</summary>
    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapGet("/exports/audit.{format}", async (string format, HttpContext context, [FromServices] CurrentUser currentUser,
            [FromServices] AuditLogService audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var filter = AuditQuery.Parse(context.Request.Query).ToFilter((await audit.OptionsAsync(ct)).Zone);
            return await ProgressExports.FileAsync(await audit.ExportAsync(filter, ct), "audit-log", format,
                (kind, rows) => audit.RecordExportAsync(filter, kind, rows, ct), ct);
        }).RequireAuthorization();
        return app;
    }
}

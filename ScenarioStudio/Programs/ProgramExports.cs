using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Audit;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;

namespace ScenarioStudio.Programs;

/// <summary>The program grid as Excel or CSV, from the same service call as the page (so its team checks apply), audited.</summary>
public static class ProgramExports
{
    public static WebApplication MapProgramExports(this WebApplication app)
    {
        app.MapGet("/exports/program-grid/{id:guid}.{format}", async (Guid id, string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] EnrolmentService enrolments, [FromServices] ExportAudit audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var grid = await enrolments.GridAsync(id, ct);
            return await ProgressExports.FileAsync(EnrolmentService.Table(grid), "program-grid", format,
                (kind, rows) => audit.RecordAsync(new AuditSubject(AuditSubjects.Report, $"program-grid-{id}", $"{grid.Program} grid for {grid.Team}"),
                    "program grid", kind, rows, ct), ct);
        }).RequireAuthorization();
        return app;
    }
}

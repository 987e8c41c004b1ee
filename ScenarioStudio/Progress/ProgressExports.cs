using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Progress;

/// <summary>
/// Every dashboard table as an Excel or CSV download, and one session's transcript (Word) and scores (Excel). Each comes
/// from the same service call as the page, so the service's role, organisation and team checks apply; the file is
/// written to a temporary file first, so a failure part-way returns an error instead of a truncated download.
/// </summary>
public static class ProgressExports
{
    public static WebApplication MapProgressExports(this WebApplication app)
    {
        var exports = app.MapGroup("/exports").RequireAuthorization();

        exports.MapGet("/team-{table}.{format}", async (string table, string format, int? inactiveDays, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] TeamDashboardService dashboards, [FromServices] AssignmentService assignments) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            Func<TeamDashboard, ExportTable>? fromDashboard = table switch
            {
                "learners" => TeamDashboardService.LearnersTable,
                "scenarios" => TeamDashboardService.ScenariosTable,
                "criteria" => d => CriteriaTable(d.Criteria),
                "inactive" => TeamDashboardService.InactiveTable,
                "monthly" => TeamDashboardService.MonthlyTable,
                "leaderboard" => TeamDashboardService.LeaderboardTable,
                _ => null,
            };
            ExportTable? export = table switch
            {
                "sessions" => await dashboards.SessionsAsync(ct),
                "assignments" => AssignmentService.Table(await assignments.ListAsync(ct)),
                _ when fromDashboard is not null => fromDashboard(await dashboards.GetAsync(inactiveDays ?? 7, ct)),
                _ => null,
            };
            return await FileAsync(export, $"team-{table}", format, ct);
        });

        exports.MapGet("/my-sessions.{format}", async (string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] SessionHistory history) =>
        {
            currentUser.Use(context.User);
            var rows = await history.ListMineAsync(context.RequestAborted);
            return await FileAsync(SessionsTable("My sessions", rows), "my-sessions", format, context.RequestAborted);
        });

        // One session: the transcript page's rule (the learner, or those who follow them), asked of the practice service.
        exports.MapGet("/sessions/{id:guid}/transcript.docx", async (Guid id, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] PracticeService practice) =>
        {
            currentUser.Use(context.User);
            var view = await practice.GetAsync(id, context.RequestAborted);
            return await TempFileAsync((file, _) =>
            {
                TranscriptExport.WriteDocx(view, file);
                return Task.CompletedTask;
            }, TranscriptExport.DocxContentType, $"transcript-{TranscriptExport.FileName(view)}.docx", context.RequestAborted);
        });

        exports.MapGet("/sessions/{id:guid}/scores.xlsx", async (Guid id, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] PracticeService practice) =>
        {
            currentUser.Use(context.User);
            var view = await practice.GetAsync(id, context.RequestAborted);
            return await TempFileAsync((file, ct) => TableExport.WriteAsync(TranscriptExport.ScoresTable(view), ExportFormat.Excel, file, ct),
                TableExport.ContentType(ExportFormat.Excel), $"scores-{TranscriptExport.FileName(view)}.xlsx", context.RequestAborted);
        });

        exports.MapGet("/scenarios/{id:int}/{table}.{format}", async (int id, string table, string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] ScenarioAnalyticsService analytics) =>
        {
            currentUser.Use(context.User);
            int? version = int.TryParse(context.Request.Query["version"], out var v) ? v : null;
            var a = await analytics.GetAsync(id, version, context.RequestAborted);
            ExportTable? export = table switch
            {
                "phases" => ScenarioAnalyticsService.PhasesTable(a),
                "criteria" => CriteriaTable(a.Criteria),
                _ => null,
            };
            return await FileAsync(export, $"scenario-{id}-{table}", format, context.RequestAborted);
        });
        return app;
    }

    public static ExportTable CriteriaTable(IReadOnlyList<CriterionAverage> criteria) => new("Criteria",
        [new("Criterion"), new("Average score", ColumnKind.Number), new("Scored answers", ColumnKind.Number)],
        criteria.Select(c => new object?[] { c.Name, c.Average, c.Samples }));

    public static ExportTable SessionsTable(string name, IReadOnlyList<SessionRow> rows) => new(name,
        [new("Scenario"), new("Status"), new("Started (UTC)", ColumnKind.Date), new("Completed (UTC)", ColumnKind.Date),
         new("Phases", ColumnKind.Number), new("Phases met", ColumnKind.Number), new("Score", ColumnKind.Number), new("XP", ColumnKind.Number)],
        rows.Select(r => new object?[] { r.ScenarioTitle, r.CompletedAt is null ? "In progress" : "Completed", r.StartedAt, r.CompletedAt,
            r.PhaseCount, r.PhasesMet, r.OverallScore, r.XpEarned }));

    private static async Task<IResult> FileAsync(ExportTable? table, string name, string format, CancellationToken ct)
    {
        ExportFormat? kind = format switch { "csv" => ExportFormat.Csv, "xlsx" => ExportFormat.Excel, _ => null };
        if (table is null || kind is null) return Results.NotFound();
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd");
        return await TempFileAsync((file, token) => TableExport.WriteAsync(table, kind.Value, file, token), TableExport.ContentType(kind.Value),
            $"{name}-{stamp}.{TableExport.Extension(kind.Value)}", ct);
    }

    /// <summary>The file written whole to a temporary file (deleted when sent), then sent: a failure part-way is an error, not half a file.</summary>
    private static async Task<IResult> TempFileAsync(Func<Stream, CancellationToken, Task> write, string contentType, string downloadName,
        CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"scenariostudio-export-{Guid.NewGuid():N}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await write(file, ct);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.File(file, contentType, downloadName);
    }
}

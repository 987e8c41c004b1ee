using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Audit;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Progress;

/// <summary>
/// Every dashboard table as an Excel or CSV download, and one session's transcript (Word) and scores (Excel). Each comes
/// from the same service call as the page, so the service's role, organisation and team checks apply; the file is
/// written to a temporary file first, so a failure part-way returns an error instead of a truncated download. Each
/// download is recorded in the audit log (action Export, with what and how many rows) once its file is written.
/// </summary>
public static class ProgressExports
{
    public static WebApplication MapProgressExports(this WebApplication app)
    {
        var exports = app.MapGroup("/exports").RequireAuthorization();

        exports.MapGet("/team-{table}.{format}", async (string table, string format, int? inactiveDays, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] TeamDashboardService dashboards, [FromServices] AssignmentService assignments,
            [FromServices] ExportAudit audit) =>
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
            return await FileAsync(export, $"team-{table}", format,
                (kind, rows) => audit.RecordAsync(new AuditSubject(AuditSubjects.Report, $"team-{table}", $"Team {table}"), $"team {table}", kind, rows, ct),
                ct);
        });

        exports.MapGet("/my-sessions.{format}", async (string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] SessionHistory history, [FromServices] ExportAudit audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var rows = await history.ListMineAsync(ct);
            return await FileAsync(SessionsTable("My sessions", rows), "my-sessions", format,
                (kind, count) => audit.RecordAsync(new AuditSubject(AuditSubjects.Report, "my-sessions", "My sessions"), "my sessions", kind, count, ct), ct);
        });

        // One session: the transcript page's rule (the learner, or those who follow them), asked of the practice service.
        exports.MapGet("/sessions/{id:guid}/transcript.docx", async (Guid id, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] PracticeService practice, [FromServices] ExportAudit audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var view = await practice.GetAsync(id, ct);
            var result = await TempFileAsync((file, _) =>
            {
                TranscriptExport.WriteDocx(view, file);
                return Task.CompletedTask;
            }, TranscriptExport.DocxContentType, $"transcript-{TranscriptExport.FileName(view)}.docx", ct);
            await audit.RecordAsync(SessionSubject(view), "the transcript", "Word", null, ct);
            return result;
        });

        exports.MapGet("/sessions/{id:guid}/scores.xlsx", async (Guid id, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] PracticeService practice, [FromServices] ExportAudit audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            var view = await practice.GetAsync(id, ct);
            return await FileAsync(TranscriptExport.ScoresTable(view), $"scores-{TranscriptExport.FileName(view)}", "xlsx",
                (kind, rows) => audit.RecordAsync(SessionSubject(view), "the scores", kind, rows, ct), ct, stamped: false);
        });

        exports.MapGet("/scenarios/{id:int}/{table}.{format}", async (int id, string table, string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] ScenarioAnalyticsService analytics, [FromServices] ExportAudit audit) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            int? version = int.TryParse(context.Request.Query["version"], out var v) ? v : null;
            var a = await analytics.GetAsync(id, version, ct);
            ExportTable? export = table switch
            {
                "phases" => ScenarioAnalyticsService.PhasesTable(a),
                "criteria" => CriteriaTable(a.Criteria),
                _ => null,
            };
            return await FileAsync(export, $"scenario-{id}-{table}", format, (kind, rows) =>
                audit.RecordAsync(new AuditSubject(AuditSubjects.Scenario, id.ToString(), a.Title), $"the scenario's {table}", kind, rows, ct), ct);
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

    private static AuditSubject SessionSubject(SessionView view) =>
        new(AuditSubjects.Session, view.Id.ToString(), $"{view.LearnerName}: {view.ScenarioTitle}");

    /// <summary>
    /// A table as an .xlsx or .csv download (404 for another extension or an unknown table); once the file is written
    /// whole, <paramref name="audit"/> records it with the format's name and the number of rows.
    /// </summary>
    public static async Task<IResult> FileAsync(ExportTable? table, string name, string format, Func<string, int, Task> audit, CancellationToken ct,
        bool stamped = true)
    {
        ExportFormat? kind = format switch { "csv" => ExportFormat.Csv, "xlsx" => ExportFormat.Excel, _ => null };
        if (table is null || kind is null) return Results.NotFound();
        var stamp = stamped ? $"-{DateTime.UtcNow:yyyy-MM-dd}" : "";
        var rows = new StrongBox<int>();
        var result = await TempFileAsync(
            (file, token) => TableExport.WriteAsync(table with { Rows = Counted(table.Rows, rows, token) }, kind.Value, file, token),
            TableExport.ContentType(kind.Value), $"{name}{stamp}.{TableExport.Extension(kind.Value)}", ct);
        await audit(kind == ExportFormat.Csv ? "CSV" : "Excel", rows.Value);
        return result;
    }

    private static async IAsyncEnumerable<object?[]> Counted(IAsyncEnumerable<object?[]> rows, StrongBox<int> count,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in rows.WithCancellation(ct))
        {
            count.Value++;
            yield return row;
        }
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

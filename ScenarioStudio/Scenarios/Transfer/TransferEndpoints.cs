using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Transfer;

public static class TransferEndpoints
{
    private static readonly Lazy<string> SchemaJson = new(ScenarioFile.Schema);

    /// <summary>
    /// <c>/exports/scenarios.{json|yaml|xlsx}</c>: the scenarios given by <c>?ids=1,2,3</c>, or with <c>?all=1</c> every
    /// scenario the caller may read (the service checks the role and reads only what the caller may). And the format's
    /// JSON Schema at <c>/schemas/scenario.json</c>, public like any schema.
    /// </summary>
    public static WebApplication MapScenarioTransfer(this WebApplication app)
    {
        app.MapGet("/exports/scenarios.{format}", async (string format, HttpContext context, [FromServices] CurrentUser currentUser,
            [FromServices] ScenarioTransfer transfer) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            if (ScenarioFile.FormatOf(format) is not { } kind) return Results.NotFound();
            var ids = (context.Request.Query["ids"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(i => int.TryParse(i, out var id) ? id : 0).Where(id => id > 0).ToList();
            var file = context.Request.Query["all"] == "1" ? await transfer.ExportAllAsync(kind, ct)
                : ids.Count > 0 ? await transfer.ExportAsync(ids, kind, ct)
                : null;
            return file is null ? Results.BadRequest("Choose the scenarios to export (?ids=1,2 or ?all=1).")
                : Results.File(file.Content, file.ContentType, file.FileName);
        }).RequireAuthorization();

        app.MapGet("/schemas/scenario.json", () => Results.Text(SchemaJson.Value, "application/schema+json"));
        return app;
    }
}

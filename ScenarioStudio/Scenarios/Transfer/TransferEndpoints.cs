using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Transfer;

public static class TransferEndpoints
{
    private static readonly Lazy<string> SchemaJson = new(ScenarioFile.Schema);

    /// <summary>
    /// <c>/exports/scenarios.{json|yaml|xlsx}</c>: the scenarios given by <c>?ids=1,2,3</c>; with <c>?all=1</c> every
    /// scenario the caller may read, or with the list's filter parameters too (<c>&amp;q=refund&amp;status=Draft</c>, see
    /// <see cref="ScenarioFilter.ToUrlParameters"/>) every one that matches it. The services check the role and read only
    /// what the caller may. And the format's
    /// JSON Schema at <c>/schemas/scenario.json</c>, public like any schema.
    /// </summary>
    public static WebApplication MapScenarioTransfer(this WebApplication app)
    {
        app.MapGet("/exports/scenarios.{format}", async (string format, HttpContext context, [FromServices] CurrentUser currentUser,
            [FromServices] ScenarioTransfer transfer, [FromServices] ScenarioQueries queries) =>
        {
            currentUser.Use(context.User);
            var ct = context.RequestAborted;
            if (ScenarioFile.FormatOf(format) is not { } kind) return Results.NotFound();
            var ids = (context.Request.Query["ids"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(i => int.TryParse(i, out var id) ? id : 0).Where(id => id > 0).ToList();
            var query = context.Request.Query;
            var filter = ScenarioFilter.FromUrl(query["q"], query["domain"], query["category"], query["difficulty"], query["status"],
                query["visibility"], query["owner"], query["sort"]);
            var file = query["all"] != "1" ? (ids.Count > 0 ? await transfer.ExportAsync(ids, kind, ct) : null)
                : filter == new ScenarioFilter() ? await transfer.ExportAllAsync(kind, ct)
                : await transfer.ExportAsync(await queries.MatchingIdsAsync(filter, ct), kind, ct);
            return file is null ? Results.BadRequest("Choose the scenarios to export (?ids=1,2 or ?all=1).")
                : Results.File(file.Content, file.ContentType, file.FileName);
        }).RequireAuthorization();

        app.MapGet("/schemas/scenario.json", () => Results.Text(SchemaJson.Value, "application/schema+json"));
        return app;
    }
}

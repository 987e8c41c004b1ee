using Microsoft.AspNetCore.Mvc;

namespace ScenarioStudio.Organisations;

public static class OperatorEndpoints
{
    /// <summary>A deleted organisation's archive (zip of JSON per table): Operators only (the service checks).</summary>
    public static WebApplication MapOperator(this WebApplication app)
    {
        app.MapGet("/operator/archives/{fileName}", async (string fileName, HttpContext context, [FromServices] CurrentUser currentUser,
            [FromServices] OperatorService operators) =>
        {
            currentUser.Use(context.User);
            var file = await operators.ArchiveAsync(fileName, context.RequestAborted);
            return Results.File(file.FullName, "application/zip", file.Name);
        }).RequireAuthorization();
        return app;
    }
}

using Microsoft.AspNetCore.Mvc;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Personas;

public static class PersonaCardEndpoints
{
    /// <summary>
    /// /avatars/{id}: a persona's picture, to the members of the organisation that holds it (anyone else gets 404, as for
    /// an id that does not exist). A picture never changes under its id, so browsers keep it.
    /// /scenarios/{id}/persona-card.json|png: the persona of a scenario the caller can read, as a character card.
    /// </summary>
    public static WebApplication MapPersonaCards(this WebApplication app)
    {
        app.MapGet("/avatars/{id}", async (string id, HttpContext context, [FromServices] CurrentUser currentUser,
            [FromServices] PersonaCardService cards) =>
        {
            currentUser.Use(context.User);
            if (id.Length != 32) return Results.NotFound();
            var avatar = await cards.GetAvatarAsync(id, context.RequestAborted);
            if (avatar is null) return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(avatar.Content, avatar.ContentType);
        }).RequireAuthorization();

        app.MapGet("/scenarios/{id:int}/persona-card.{format}", async (int id, string format, HttpContext context,
            [FromServices] CurrentUser currentUser, [FromServices] PersonaCardService cards) =>
        {
            currentUser.Use(context.User);
            if (format is not ("json" or "png")) return Results.NotFound();
            try
            {
                var file = await cards.ExportAsync(id, format == "png", context.RequestAborted);
                return Results.File(file.Content, file.ContentType, file.FileName);
            }
            catch (ForbiddenException)
            {
                return Results.NotFound();
            }
        }).RequireAuthorization();
        return app;
    }
}

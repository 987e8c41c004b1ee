using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Uploads;
using SkiaSharp;

namespace ScenarioStudio.Scenarios.Personas;

/// <summary>A card read for the builder: what to fill, and what the creator should know (a picture that was not used).</summary>
public sealed record PersonaCardImport(PersonaCardContent Card, IReadOnlyList<string> Warnings);

/// <summary>A file to download.</summary>
public sealed record PersonaCardDownload(byte[] Content, string ContentType, string FileName);

/// <summary>
/// Persona cards in and out (issue 16.5) and the personas' pictures. An import stores the card's picture (cleaned) at once
/// and hands the builder the rest to fill in: nothing of the scenario is saved until the creator saves it.
/// </summary>
public sealed class PersonaCardService(CurrentUser currentUser, TenantDb tenantDb, ScenarioQueries queries, TimeProvider clock)
{
    public const int AvatarSide = 512;

    /// <summary>Reads a card (JSON or PNG); refused with the reason at the field "Card" when it is not one.</summary>
    public async Task<PersonaCardImport> ImportAsync(byte[] file, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        var read = PersonaCard.Read(file);
        if (read.Card is null) throw new ValidationFailedException("Card", read.Problem!);
        var warnings = new List<string>();
        var card = read.Card;
        if (read.Picture is not null)
        {
            var (image, problem) = UploadedImage.Clean(read.Picture, AvatarSide);
            if (image is null) warnings.Add("The card's picture was not used: " + problem);
            else
            {
                card.Persona.AvatarId = await StoreAsync(caller, image, ct);
                card = card with { Filled = [.. card.Filled, "avatar"] };
            }
        }
        return new PersonaCardImport(card, warnings);
    }

    /// <summary>Stores a picture for a persona (cleaned here), for the builder's own upload.</summary>
    public async Task<string> UploadAvatarAsync(byte[] file, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.UpdateScenario, ct);
        if (file.Length is 0 or > PersonaCard.MaxFileBytes) throw new ValidationFailedException("Persona.AvatarId", "A picture is at most 5 MB.");
        var (image, problem) = UploadedImage.Clean(file, AvatarSide);
        return image is null ? throw new ValidationFailedException("Persona.AvatarId", problem!) : await StoreAsync(caller, image, ct);
    }

    /// <summary>Fills the builder's document from a card: the persona, and the brief, first opening and AI prompt the card has.</summary>
    public static void Apply(ScenarioDocument doc, PersonaCardContent card)
    {
        // Into the builder's own persona object, which its fields are bound to.
        var (p, from) = (doc.Persona, ScenarioJson.Clone(card.Persona));
        (p.Name, p.Age, p.Role, p.Traits, p.StartingMood, p.Goals) = (from.Name, from.Age, from.Role, from.Traits, from.StartingMood, from.Goals);
        (p.HiddenInformation, p.SpeakingStyle, p.AvatarId, p.CardNotes) = (from.HiddenInformation, from.SpeakingStyle, from.AvatarId, from.CardNotes);
        if (card.LearnerBrief.Length > 0) doc.Context.LearnerBrief = card.LearnerBrief;
        if (card.FirstOpening.Length > 0 && doc.Phases.Count > 0) doc.Phases[0].CustomerOpening = card.FirstOpening;
        if (card.PersonaPrompt.Length > 0) doc.Ai.PersonaPrompt = card.PersonaPrompt;
    }

    /// <summary>The persona of a scenario the caller can read (its content as the builder shows it), as a JSON or PNG card.</summary>
    public async Task<PersonaCardDownload> ExportAsync(int scenarioId, bool png, CancellationToken ct = default)
    {
        var doc = (await queries.GetAsync(scenarioId, ct)).Document;
        var name = ScenarioValidator.Slugify(doc.Persona.Name.Length > 0 ? doc.Persona.Name : doc.Title);
        if (!png) return new PersonaCardDownload(PersonaCard.Write(doc), "application/json", name + ".json");
        var picture = doc.Persona.AvatarId is { } id ? (await GetAvatarAsync(id, ct))?.Content : null;
        return new PersonaCardDownload(PersonaCard.WritePng(doc, picture ?? PlainPicture(doc.Persona.Name)), "image/png", name + ".png");
    }

    /// <summary>A picture of the caller's organisation, or null (another organisation's id reads as none).</summary>
    public async Task<PersonaAvatar?> GetAvatarAsync(string id, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.PersonaAvatars.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
    }

    private async Task<string> StoreAsync(Caller caller, CleanImage image, CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var avatar = new PersonaAvatar
        {
            OrganisationId = caller.OrganisationId, Content = image.Content, ContentType = image.ContentType, Width = image.Width,
            Height = image.Height, CreatedById = caller.UserId, CreatedAt = clock.GetUtcNow(),
        };
        db.PersonaAvatars.Add(avatar);
        await db.SaveChangesAsync(ct);
        return avatar.Id;
    }

    /// <summary>For a persona without a picture: a plain square with the persona's initials, so the PNG card still has an image.</summary>
    public static byte[] PlainPicture(string name)
    {
        const int side = 400;
        using var surface = SKSurface.Create(new SKImageInfo(side, side));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(0x36, 0x4F, 0xC7));
        var initials = string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));
        using var font = new SKFont(SKTypeface.Default, 160);
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawText(initials.Length > 0 ? initials : "?", side / 2f, side / 2f + 56, SKTextAlign.Center, font, paint);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}

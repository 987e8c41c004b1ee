using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Personas;
using ScenarioStudio.Tests.Infrastructure;
using SkiaSharp;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Persona cards (issue 16.5): Character Card V2/V1 from JSON and PNG, hostile files, pictures, export and back.</summary>
public sealed class PersonaCardTests : OrganisationTestBase
{
    private static JsonObject V2Card() => new()
    {
        ["spec"] = "chara_card_v2",
        ["spec_version"] = "2.0",
        ["data"] = new JsonObject
        {
            ["name"] = "Marta Kowalska",
            ["description"] = "{{char}} runs a bakery chain and has been a customer for six years.",
            ["personality"] = "impatient, loyal, price-conscious",
            ["scenario"] = "Marta calls to cancel her subscription after a price rise.",
            ["first_mes"] = "Hi, this is {{char}}. I want to cancel today.\r\nNo arguments, please.",
            ["mes_example"] = "<START>\n{{user}}: Why cancel?\n{{char}}: The price went up again.",
            ["creator_notes"] = "Works best with a calm agent.",
            ["system_prompt"] = "Stay in character.",
            ["post_history_instructions"] = "",
            ["alternate_greetings"] = new JsonArray("Hello? Is this billing?", "I have five minutes."),
            ["tags"] = new JsonArray("retention", "bakery"),
            ["creator"] = "someone",
            ["character_version"] = "3",
            ["extensions"] = new JsonObject { ["talkativeness"] = "0.5", ["depth_prompt"] = new JsonObject { ["prompt"] = "Be brief." } },
            ["favourite_colour"] = "teal",
        },
    };

    private static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static string RefusalOf(byte[] file)
    {
        var read = PersonaCard.Read(file);
        Assert.Null(read.Card);
        return read.Problem!;
    }

    [Fact]
    public void A_v2_json_card_fills_the_persona_brief_opening_and_prompt_and_keeps_what_has_no_field_in_the_notes()
    {
        var read = PersonaCard.Read(Utf8(V2Card()));
        var card = read.Card!;
        Assert.Null(read.Picture);
        Assert.Equal("Marta Kowalska", card.Persona.Name);
        Assert.Equal(["impatient", "loyal", "price-conscious"], card.Persona.Traits);
        Assert.Equal("Marta calls to cancel her subscription after a price rise.", card.LearnerBrief);
        Assert.Equal("Hi, this is Marta Kowalska. I want to cancel today.\nNo arguments, please.", card.FirstOpening);
        Assert.Equal("Character:\nMarta Kowalska runs a bakery chain and has been a customer for six years.\n\n" +
            "Example dialogue:\n<START>\n{{user}}: Why cancel?\nMarta Kowalska: The price went up again.\n\n" +
            "Instructions from the card:\nStay in character.", card.PersonaPrompt);
        Assert.Equal("Creator notes: Works best with a calm agent.\nOther greetings: Hello? Is this billing?, I have five minutes.\n" +
            "Tags: retention, bakery\nCreator: someone\nCharacter version: 3\nextensions.talkativeness: 0.5\n" +
            "extensions.depth_prompt: {\"prompt\":\"Be brief.\"}\nfavourite_colour: teal", card.Persona.CardNotes);
        Assert.Equal(["customer name", "personality traits", "AI persona prompt", "card notes", "learner brief (Context)",
            "first phase's customer opening"], card.Filled);
    }

    [Fact]
    public void A_v1_flat_card_with_prose_personality_reads_too()
    {
        var v1 = new JsonObject
        {
            ["name"] = "Old Tom", ["description"] = "A retired sailor.", ["personality"] = "Talks slowly and repeats himself when he is nervous about money.",
            ["scenario"] = "Tom's card was declined.", ["first_mes"] = "Hello <BOT> here.", ["mes_example"] = "", ["avatar"] = "none",
        };
        var card = PersonaCard.Read(Encoding.UTF8.GetBytes("\uFEFF  " + v1.ToJsonString())).Card!;
        Assert.Equal("Old Tom", card.Persona.Name);
        Assert.Empty(card.Persona.Traits);
        Assert.Equal("Talks slowly and repeats himself when he is nervous about money.", card.Persona.SpeakingStyle);
        Assert.Equal("Hello Old Tom here.", card.FirstOpening);
        Assert.Equal("Character:\nA retired sailor.", card.PersonaPrompt);
        Assert.Equal("avatar: none", card.Persona.CardNotes);
    }

    [Fact]
    public void A_png_card_as_sillytavern_writes_it_is_read_with_its_picture()
    {
        var png = TestImages.WithText(TestImages.Png(80, 80), "chara", Convert.ToBase64String(Utf8(V2Card())));
        var read = PersonaCard.Read(png);
        Assert.Equal("Marta Kowalska", read.Card!.Persona.Name);
        Assert.Equal(png, read.Picture);
        // A PNG that decodes as an image: the card chunk does not break it.
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(80, bitmap.Width);
    }

    [Fact]
    public void Hostile_and_wrong_files_are_refused_with_a_clear_reason()
    {
        Assert.Equal("The file is empty.", RefusalOf([]));
        Assert.StartsWith("A persona card is at most 5 MB; this file is 5.0 MB.", RefusalOf(new byte[PersonaCard.MaxFileBytes + 1]));
        Assert.StartsWith("Upload a character card", RefusalOf(Encoding.UTF8.GetBytes("GIF89a not a card")));
        Assert.StartsWith("Upload a character card", RefusalOf(TestImages.Encode(10, 10, SKEncodedImageFormat.Jpeg)));
        Assert.StartsWith("This PNG has no character card in it", RefusalOf(TestImages.Png()));
        Assert.Equal("The card inside this PNG is damaged: its “chara” text is not valid base64.",
            RefusalOf(TestImages.WithText(TestImages.Png(), "chara", "not*base64!")));
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        Assert.Equal($"The card's JSON is nested more than {PersonaCard.MaxDepth} levels deep: it is not a character card.",
            RefusalOf(Encoding.UTF8.GetBytes(deep)));
        Assert.StartsWith("The card is not valid JSON (line 2)", RefusalOf(Encoding.UTF8.GetBytes("{\n\"name\": ")));
        Assert.StartsWith("This JSON is not a character card", RefusalOf(Encoding.UTF8.GetBytes("{\"spec\":\"chara_card_v2\",\"data\":{}}")));
        // A chunk that declares more bytes than the file has, and a file that stops mid-chunk.
        var png = TestImages.Png();
        var lying = png.ToArray();
        lying[8] = 0x7F;
        Assert.Equal("A PNG chunk is longer than the file: the file is damaged or incomplete.", RefusalOf(lying));
        Assert.Equal("The PNG file ends in the middle of a chunk: it is damaged or incomplete.", RefusalOf(png[..38]));
    }

    [Fact]
    public void Control_characters_are_stripped_and_every_text_is_cut_to_the_builders_limits()
    {
        var card = V2Card();
        var data = (JsonObject)card["data"]!;
        data["name"] = "Ma\u0000rta\u001b[31m " + new string('x', 100);
        data["first_mes"] = new string('y', 10_000);
        data["description"] = new string('z', 10_000);
        data["mes_example"] = new string('e', 10_000);
        data["personality"] = 42;
        var read = PersonaCard.Read(Utf8(card)).Card!;
        Assert.Equal(60, read.Persona.Name.Length);
        Assert.StartsWith("Marta[31m x", read.Persona.Name);
        Assert.Equal(PersonaCard.MaxText, read.FirstOpening.Length);
        Assert.Equal(ScenarioValidator.MaxPromptLength, read.PersonaPrompt.Length);
        Assert.Empty(read.Persona.Traits);
        var doc = ScenarioSamples.Publishable();
        PersonaCardService.Apply(doc, read);
        Assert.False(ScenarioValidator.Validate(doc, forPublish: true).Any);
    }

    [Fact]
    public async Task Importing_a_png_card_stores_its_picture_for_the_organisation_only()
    {
        var png = TestImages.WithText(TestImages.Png(1200, 900), "chara", Convert.ToBase64String(Utf8(V2Card())));
        await using var creator = await db.AsAsync(org.ContentManager);
        var import = await creator.Get<PersonaCardService>().ImportAsync(png);
        var avatarId = import.Card.Persona.AvatarId!;
        Assert.Contains("avatar", import.Card.Filled);
        Assert.Empty(import.Warnings);

        var avatar = (await creator.Get<PersonaCardService>().GetAvatarAsync(avatarId))!;
        Assert.Equal((PersonaCardService.AvatarSide, 384, "image/png"), (avatar.Width, avatar.Height, avatar.ContentType));
        Assert.Null(PngText.Find(avatar.Content, "chara").Text); // the stored picture is newly encoded: the card is not in it
        await using (var learner = await db.AsAsync(org.Learner))
        {
            Assert.NotNull(await learner.Get<PersonaCardService>().GetAvatarAsync(avatarId));
            await Assert.ThrowsAsync<ForbiddenException>(() => learner.Get<PersonaCardService>().ImportAsync(png));
        }
        var other = await db.CreateOrganisationAsync("Globex");
        await using var outsider = await db.AsAsync(other.Admin);
        Assert.Null(await outsider.Get<PersonaCardService>().GetAvatarAsync(avatarId));

        // A card whose picture cannot be used still fills the form, and says why.
        var broken = TestImages.WithText(TestImages.DeclaredHugePng(20_000, 20_000), "chara", Convert.ToBase64String(Utf8(V2Card())));
        var partial = await creator.Get<PersonaCardService>().ImportAsync(broken);
        Assert.Null(partial.Card.Persona.AvatarId);
        Assert.StartsWith("The card's picture was not used: The picture is 20000 × 20000 pixels", Assert.Single(partial.Warnings));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => creator.Get<PersonaCardService>().ImportAsync([1, 2, 3]));
        Assert.StartsWith("Upload a character card", refused.Errors["Card"][0]);
    }

    [Fact]
    public async Task A_persona_exported_as_a_json_or_png_card_imports_back_unchanged()
    {
        await using var creator = await db.AsAsync(org.ContentManager);
        var cards = creator.Get<PersonaCardService>();
        var doc = ScenarioSamples.Publishable("Card round trip");
        doc.Persona = new Persona
        {
            Name = "Priya Shah", Age = 41, Role = "Owner of a bakery chain", Traits = ["sceptical", "busy"], StartingMood = "guarded",
            Goals = ["Pay less", "Keep the loyalty discount"], HiddenInformation = ["A competitor offered 20% off"], SpeakingStyle = "Short sentences.",
            CardNotes = "Imported from a card once.",
            AvatarId = (await cards.ImportAsync(TestImages.WithText(TestImages.Png(), "chara", Convert.ToBase64String(Utf8(V2Card()))))).Card.Persona.AvatarId,
        };
        doc.Ai.PersonaPrompt = "Push back twice before agreeing.";
        doc.Context.LearnerBrief = "Priya calls about the renewal.";
        doc.Phases[0].CustomerOpening = "I have ten minutes.";
        var id = await creator.Scenarios().Commands.CreateAsync(doc);

        var json = await cards.ExportAsync(id, png: false);
        Assert.Equal(("application/json", "priya-shah.json"), (json.ContentType, json.FileName));
        var exported = JsonNode.Parse(json.Content)!;
        Assert.Equal("chara_card_v2", (string?)exported["spec"]);
        Assert.Equal("sceptical, busy. Short sentences.", (string?)exported["data"]!["personality"]);
        var pngFile = await cards.ExportAsync(id, png: true);
        Assert.Equal("image/png", pngFile.ContentType);

        foreach (var file in new[] { json.Content, pngFile.Content })
        {
            var back = (await cards.ImportAsync(file)).Card;
            var expected = ScenarioJson.Clone(doc.Persona);
            // A JSON card has no picture; a PNG card's picture comes back as a newly stored one.
            expected.AvatarId = file == pngFile.Content ? back.Persona.AvatarId : null;
            Assert.Equal(ScenarioJson.Serialize(expected), ScenarioJson.Serialize(back.Persona));
            Assert.Equal((doc.Context.LearnerBrief, doc.Phases[0].CustomerOpening, doc.Ai.PersonaPrompt),
                (back.LearnerBrief, back.FirstOpening, back.PersonaPrompt));
        }
        var again = (await cards.ImportAsync(pngFile.Content)).Card.Persona.AvatarId!;
        Assert.Equal((await cards.GetAvatarAsync(doc.Persona.AvatarId!))!.Content, (await cards.GetAvatarAsync(again))!.Content);

        // Without a picture, the PNG card carries a plain generated one.
        doc.Persona.AvatarId = null;
        doc.Slug = "card-round-trip-plain";
        var plain = await cards.ExportAsync(await creator.Scenarios().Commands.CreateAsync(doc), png: true);
        using var bitmap = SKBitmap.Decode(plain.Content);
        Assert.Equal(400, bitmap.Width);
        Assert.Equal("Priya Shah", PersonaCard.Read(plain.Content).Card!.Persona.Name);
        await using var system = await db.OpenUnfilteredAsync();
        Assert.Equal(3, await system.PersonaAvatars.CountAsync());
    }
}

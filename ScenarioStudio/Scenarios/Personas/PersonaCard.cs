using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScenarioStudio.Scenarios.Personas;

/// <summary>What a character card fills in the builder: the persona, and the context, first opening and AI prompt when the card has them.</summary>
public sealed record PersonaCardContent(Persona Persona, string LearnerBrief, string FirstOpening, string PersonaPrompt)
{
    /// <summary>The builder's fields the card filled, as the creator reads them ("customer name", "context brief"…).</summary>
    public IReadOnlyList<string> Filled { get; init; } = [];
}

/// <summary>A card read from a file: its content and, from a PNG, the picture; or the reason it was refused.</summary>
public sealed record PersonaCardFile(PersonaCardContent? Card, byte[]? Picture, string? Problem);

/// <summary>
/// Character Card V2 (<c>chara_card_v2</c>, also V3's <c>data</c> and V1 flat cards) as SillyTavern and other roleplay front
/// ends write them, to and from a scenario's persona. Reading is defensive: at most <see cref="MaxFileBytes"/>, JSON at most
/// <see cref="MaxDepth"/> levels deep, control characters stripped and every text cut to the builder's limits. What has no
/// field here is kept in <see cref="Persona.CardNotes"/>. Cards this app writes carry the persona's own fields under
/// <c>extensions.scenariostudio</c>, so an export imports back unchanged.
/// </summary>
public static class PersonaCard
{
    public const int MaxFileBytes = 5 * 1024 * 1024;
    public const int MaxDepth = 16;
    public const int MaxText = 2000;
    public const string Extension = "scenariostudio";

    private static readonly string[] Mapped =
        ["name", "description", "personality", "scenario", "first_mes", "mes_example", "system_prompt", "post_history_instructions"];

    public static PersonaCardFile Read(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0) return Refuse("The file is empty.");
        if (file.Length > MaxFileBytes)
            return Refuse($"A persona card is at most {MaxFileBytes / 1024 / 1024} MB; this file is {file.Length / 1024.0 / 1024:0.0} MB.");
        if (PngText.IsPng(file))
        {
            var (text, problem) = PngText.Find(file, "chara");
            if (problem is not null) return Refuse(problem);
            if (text is null) return Refuse("This PNG has no character card in it (no “chara” text chunk). Export the card again as PNG or JSON.");
            byte[] json;
            try { json = Convert.FromBase64String(text.Trim()); }
            catch (FormatException) { return Refuse("The card inside this PNG is damaged: its “chara” text is not valid base64."); }
            return Parse(json) with { Picture = file.ToArray() };
        }
        var start = file.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? file[3..] : file;
        var first = start.TrimStart(" \t\r\n"u8);
        if (first.Length == 0 || first[0] != (byte)'{')
            return Refuse("Upload a character card: a .json file, or a .png with the card inside as SillyTavern exports it.");
        return Parse(start);
    }

    private static PersonaCardFile Parse(ReadOnlySpan<byte> json)
    {
        if (TooDeep(json))
            return Refuse($"The card's JSON is nested more than {MaxDepth} levels deep: it is not a character card.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions
            {
                MaxDepth = MaxDepth, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException ex)
        {
            return Refuse($"The card is not valid JSON (line {(ex.LineNumber ?? 0) + 1}). Export it again from your roleplay app.");
        }
        catch (DecoderFallbackException)
        {
            return Refuse("The card is not UTF-8 text.");
        }
        if (root is not JsonObject top) return Refuse("The card's JSON must be an object.");
        var data = Text(top["spec"], 40) is "chara_card_v2" or "chara_card_v3" && top["data"] is JsonObject d ? d : top;
        if (data["name"] is not JsonValue) return Refuse("This JSON is not a character card: it has no “name” (nor a chara_card_v2 “data” with one).");
        return new PersonaCardFile(Map(data), null, null);
    }

    /// <summary>
    /// Whether objects and arrays nest deeper than <see cref="MaxDepth"/>: told apart from other broken JSON so the message says
    /// which (the parser's own limit, set as well, stops anything this misses).
    /// </summary>
    private static bool TooDeep(ReadOnlySpan<byte> json)
    {
        var (depth, inString, escaped) = (0, false, false);
        foreach (var b in json)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)'{' or (byte)'[' && ++depth > MaxDepth) return true;
            else if (b is (byte)'}' or (byte)']') depth--;
        }
        return false;
    }

    private static PersonaCardContent Map(JsonObject data)
    {
        var name = Text(data["name"], 60);
        string Field(string key, int max) => Macros(Text(data[key], max), name);
        var description = Field("description", MaxText);
        var personality = Field("personality", MaxText);
        var filled = new List<string>();
        var persona = new Persona { Name = name };
        if (name.Length > 0) filled.Add("customer name");
        var prompt = new List<string>();
        var ours = (data["extensions"] as JsonObject)?[Extension] as JsonObject;
        if (ours is not null)
        {
            // Written by this app: the persona's own fields, exactly.
            persona.Role = Text(ours["role"], 100);
            persona.Age = ours["age"] is JsonValue age && age.TryGetValue<int>(out var years) && years is >= 16 and <= 100 ? years : null;
            persona.StartingMood = Text(ours["startingMood"], 100);
            persona.SpeakingStyle = Text(ours["speakingStyle"], 500);
            persona.Traits = List(ours["traits"], 10, 40);
            persona.Goals = List(ours["goals"], ScenarioValidator.MaxListItems, 300);
            persona.HiddenInformation = List(ours["hiddenInformation"], ScenarioValidator.MaxListItems, 300);
            prompt.Add(Text(ours["personaPrompt"], ScenarioValidator.MaxPromptLength));
            filled.Add("role, age, mood, traits, goals, hidden information and speaking style");
        }
        else
        {
            // A card's personality is often a list of adjectives: those become traits; prose becomes the speaking style.
            var traits = personality.Split([',', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (traits.Length is > 0 and <= 10 && traits.All(t => t.Length <= 40))
            {
                persona.Traits = [.. traits];
                filled.Add("personality traits");
            }
            else if (personality.Length > 0)
            {
                persona.SpeakingStyle = personality.Shorten(500);
                if (personality.Length > 500) prompt.Add("Personality:\n" + personality);
                filled.Add("speaking style");
            }
            if (description.Length > 0) prompt.Add("Character:\n" + description);
        }
        var examples = Field("mes_example", MaxText);
        if (examples.Length > 0) prompt.Add("Example dialogue:\n" + examples);
        var instructions = string.Join("\n", new[] { Field("system_prompt", MaxText), Field("post_history_instructions", MaxText) }.Where(t => t.Length > 0));
        if (instructions.Length > 0) prompt.Add("Instructions from the card:\n" + instructions);
        var personaPrompt = string.Join("\n\n", prompt.Where(p => p.Length > 0)).Shorten(ScenarioValidator.MaxPromptLength);
        if (personaPrompt.Length > 0) filled.Add("AI persona prompt");

        // A card written here carries its notes as they were; any other card's unused fields become the notes.
        var notes = ours is null ? Notes(data) : Text(ours["cardNotes"], ScenarioValidator.MaxPromptLength);
        if (notes.Length > 0)
        {
            persona.CardNotes = notes;
            filled.Add("card notes");
        }
        var brief = Field("scenario", MaxText);
        if (brief.Length > 0) filled.Add("learner brief (Context)");
        var opening = Field("first_mes", MaxText);
        if (opening.Length > 0) filled.Add("first phase's customer opening");
        return new PersonaCardContent(persona, brief, opening, personaPrompt) { Filled = filled };
    }

    /// <summary>Every field the mapping does not use, as "label: value" lines, cut to the notes' limit.</summary>
    private static string Notes(JsonObject data)
    {
        var lines = new List<string>();
        foreach (var (key, value) in data)
        {
            if (Mapped.Contains(key) || value is null || Show(value).Length == 0) continue;
            if (key == "extensions" && value is JsonObject ext)
            {
                foreach (var (extKey, extValue) in ext.Where(e => e.Key != Extension && e.Value is not null && Show(e.Value).Length > 0))
                    lines.Add($"extensions.{Clean(extKey, 60)}: {Show(extValue!)}");
                continue;
            }
            lines.Add($"{Label(key)}: {Show(value)}");
        }
        return Clean(string.Join("\n", lines), int.MaxValue).Shorten(ScenarioValidator.MaxPromptLength);
    }

    private static string Label(string key) => Clean(key, 60) switch
    {
        "creator_notes" => "Creator notes", "alternate_greetings" => "Other greetings", "tags" => "Tags", "creator" => "Creator",
        "character_version" => "Character version", var other => other,
    };

    /// <summary>A value as the notes show it: text as it is, a list of short texts on one line, long ones one per line, anything else as JSON.</summary>
    private static string Show(JsonNode value)
    {
        if (value is JsonValue v) return v.TryGetValue<string>(out var s) ? Clean(s, MaxText) : Clean(v.ToJsonString(), MaxText);
        if (value is JsonArray a && a.All(i => i is JsonValue))
        {
            var items = a.Select(i => Show(i!)).Where(i => i.Length > 0).ToList();
            return items.Any(i => i.Length > 40 || i.Contains('\n')) ? string.Concat(items.Select(i => "\n- " + i)) : string.Join(", ", items);
        }
        var json = value.ToJsonString();
        return json is "{}" or "[]" ? "" : Clean(json, MaxText);
    }

    /// <summary>A string field, cleaned and cut; anything else (a number, an object) is not text and reads as empty.</summary>
    private static string Text(JsonNode? node, int max) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? Clean(s, max) : "";

    private static List<string> List(JsonNode? node, int maxItems, int maxLength) =>
        node is JsonArray a ? a.Select(i => Text(i, maxLength)).Where(t => t.Length > 0).Take(maxItems).ToList() : [];

    /// <summary>Line breaks kept (as \n), tabs as spaces, every other control character dropped; trimmed and cut to <paramref name="max"/>.</summary>
    public static string Clean(string text, int max)
    {
        var b = new StringBuilder(Math.Min(text.Length, max == int.MaxValue ? text.Length : max + 1));
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
        {
            if (c == '\n') b.Append(c);
            else if (c == '\t') b.Append(' ');
            else if (!char.IsControl(c) && c is not ('\u2028' or '\u2029' or '\uFEFF')) b.Append(c);
        }
        var clean = b.ToString().Trim();
        return max == int.MaxValue ? clean : clean.Shorten(max);
    }

    /// <summary>SillyTavern's name placeholders, filled with the persona's name; {{user}} stays for the creator to rephrase.</summary>
    private static string Macros(string text, string name) =>
        name.Length == 0 ? text : text.Replace("{{char}}", name, StringComparison.OrdinalIgnoreCase).Replace("<BOT>", name, StringComparison.Ordinal);

    private static PersonaCardFile Refuse(string problem) => new(null, null, problem);

    /// <summary>
    /// The scenario's persona as a chara_card_v2 card: description, personality, scenario and first message for other
    /// front ends, and the persona's own fields under extensions.scenariostudio for an exact import back.
    /// </summary>
    public static byte[] Write(ScenarioDocument doc)
    {
        var p = doc.Persona;
        var description = new List<string>();
        if (p.Role.Length > 0) description.Add(p.Age is { } age ? $"{p.Role}, {age}." : p.Role + ".");
        if (p.StartingMood.Length > 0) description.Add("Mood at the start: " + p.StartingMood + ".");
        if (p.Goals.Count > 0) description.Add("Goals: " + string.Join("; ", p.Goals) + ".");
        if (p.HiddenInformation.Count > 0) description.Add("Keeps to themself unless asked: " + string.Join("; ", p.HiddenInformation) + ".");
        if (doc.Ai.PersonaPrompt.Length > 0) description.Add(doc.Ai.PersonaPrompt);
        var card = new JsonObject
        {
            ["spec"] = "chara_card_v2",
            ["spec_version"] = "2.0",
            ["data"] = new JsonObject
            {
                ["name"] = p.Name,
                ["description"] = string.Join("\n", description),
                ["personality"] = string.Join(", ", p.Traits) + (p.SpeakingStyle.Length > 0 ? (p.Traits.Count > 0 ? ". " : "") + p.SpeakingStyle : ""),
                ["scenario"] = doc.Context.LearnerBrief,
                ["first_mes"] = doc.Phases.FirstOrDefault()?.CustomerOpening ?? "",
                ["mes_example"] = "",
                ["creator_notes"] = p.CardNotes ?? $"A customer from the ScenarioStudio scenario “{doc.Title}”.",
                ["system_prompt"] = "",
                ["post_history_instructions"] = "",
                ["alternate_greetings"] = new JsonArray(),
                ["tags"] = new JsonArray([.. doc.Tags.Select(t => (JsonNode)t)]),
                ["creator"] = "ScenarioStudio",
                ["character_version"] = "1",
                ["extensions"] = new JsonObject
                {
                    [Extension] = new JsonObject
                    {
                        ["role"] = p.Role, ["age"] = p.Age, ["startingMood"] = p.StartingMood, ["speakingStyle"] = p.SpeakingStyle,
                        ["traits"] = Array(p.Traits), ["goals"] = Array(p.Goals), ["hiddenInformation"] = Array(p.HiddenInformation),
                        ["personaPrompt"] = doc.Ai.PersonaPrompt, ["cardNotes"] = p.CardNotes,
                    },
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(card, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The card inside a PNG picture, as SillyTavern reads it: base64 JSON in a "chara" tEXt chunk.</summary>
    public static byte[] WritePng(ScenarioDocument doc, byte[] png) => PngText.With(png, "chara", Convert.ToBase64String(Write(doc)));

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)i)]);
}

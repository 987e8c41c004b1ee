using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>
/// Reads a model's JSON into scenario parts, leniently (a list written as one string, a number written as text, fences
/// around the object) and distrustfully: every string is stripped of markup and control characters and held to a hard
/// cap. Field limits the builder has are not enforced by cutting: <see cref="Check"/> reports them at the field.
/// </summary>
public static partial class DraftReader
{
    /// <summary>No field of a draft is kept longer than this, whatever the model sends; the builder's own limits are lower.</summary>
    public const int HardCap = 6000;
    public const int MaxItems = ScenarioValidator.MaxListItems;
    /// <summary>Limits of fields the validator leaves open, for drafts (a model can write a page where a trainer writes a paragraph).</summary>
    public const int MaxShort = 200, MaxLong = 2000, MaxItem = 300;

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The JSON object in a reply (fences and chatter around it ignored); null with the reason when there is none.</summary>
    public static (JsonElement? Root, string? Problem) Parse(string reply)
    {
        var start = reply.IndexOf('{');
        var end = reply.LastIndexOf('}');
        if (start < 0 || end <= start) return (null, "the reply holds no JSON object");
        try
        {
            using var doc = JsonDocument.Parse(reply[start..(end + 1)], Lenient);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? (doc.RootElement.Clone(), null) : (null, "the reply is not a JSON object");
        }
        catch (JsonException ex)
        {
            return (null, "invalid JSON: " + ex.Message.Split('.')[0]);
        }
    }

    /// <summary>
    /// The top-level fields of a reply still streaming that are already complete, as an object of their own (null when none
    /// is, or the text so far is not JSON). "{"title": "A", "persona": {"na" → {"title": "A"} with one field.
    /// </summary>
    public static (JsonElement Root, int Fields)? CompleteFields(string partial)
    {
        var start = partial.IndexOf('{');
        if (start < 0) return null;
        var bytes = Encoding.UTF8.GetBytes(partial[start..]);
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false,
            new JsonReaderState(new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }));
        long end = 0;
        var fields = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.StartObject
                        or JsonTokenType.StartArray or JsonTokenType.Comment))
                    (end, fields) = (reader.BytesConsumed, fields + 1);
            }
            if (fields == 0) return null;
            var json = new byte[end + 1];
            bytes.AsSpan(0, (int)end).CopyTo(json);
            json[^1] = (byte)'}';
            using var doc = JsonDocument.Parse(json, Lenient);
            return (doc.RootElement.Clone(), fields);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Model text made harmless: tags removed (their text kept), control and bidirectional-override characters dropped.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var s = Tags().Replace(text.ReplaceLineEndings("\n"), "");
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c is '\n' or '\t') b.Append(c);
            else if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200B' or '\uFEFF') continue;
            else b.Append(c);
        }
        var clean = b.ToString().Trim();
        return clean.Length <= HardCap ? clean : clean[..HardCap];
    }

    // An opening, closing or self-closing tag, a comment or a doctype: what a browser would read as markup.
    [GeneratedRegex(@"<!--.*?-->|<\s*/?\s*[A-Za-z!][^<>]*>", RegexOptions.Singleline)]
    private static partial Regex Tags();

    public static string Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? Text(v) : "";

    private static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => Clean(v.GetString()),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Array => Clean(string.Join("\n", v.EnumerateArray().Select(Text).Where(t => t.Length > 0))),
        _ => "",
    };

    /// <summary>A list: an array of strings (objects read as their first text), or one string of lines or semicolons.</summary>
    public static List<string> List(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return [];
        IEnumerable<string> items = v.ValueKind switch
        {
            JsonValueKind.Array => v.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.Object
                ? i.EnumerateObject().Select(p => Text(p.Value)).FirstOrDefault(t => t.Length > 0) ?? "" : Text(i)),
            JsonValueKind.String => (v.GetString() ?? "").Split(['\n', ';'], StringSplitOptions.TrimEntries).Select(Clean),
            _ => [],
        };
        return items.Select(i => i.TrimStart('-', '*', '•', ' ')).Where(i => i.Length > 0).Take(MaxItems).ToList();
    }

    public static int? Int(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d)) return (int)Math.Round(Math.Clamp(d, -1e6, 1e6));
        return v.ValueKind == JsonValueKind.String && int.TryParse(Regex.Match(v.GetString() ?? "", "-?[0-9]+").Value, NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var i) ? i : null;
    }

    private static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Take(MaxItems) : [];

    private static List<CardField> Cards(JsonElement e, string name) =>
        Array(e, name).Select(c => new CardField { Label = Str(c, "label"), Value = Str(c, "value") }).Where(c => c.Label.Length > 0).ToList();

    /// <summary>The overview section: title, description, tags, persona, context and tone. Returns the phase names it plans.</summary>
    public static List<string> ApplyOverview(ScenarioDocument d, JsonElement e)
    {
        d.Title = Str(e, "title");
        d.Description = Str(e, "description");
        d.Tags = List(e, "tags").Select(t => t.ToLowerInvariant()).Distinct().Take(ScenarioValidator.MaxTags).ToList();
        var p = Obj(e, "persona");
        var avatar = d.Persona.AvatarId;
        d.Persona = new Persona
        {
            Name = Str(p, "name"), Age = Int(p, "age"), Role = Str(p, "role"), Traits = List(p, "traits"), StartingMood = Str(p, "startingMood"),
            Goals = List(p, "goals"), HiddenInformation = List(p, "hiddenInformation"), SpeakingStyle = Str(p, "speakingStyle"), AvatarId = avatar,
        };
        var c = Obj(e, "context");
        d.Context = new ScenarioContext
        {
            LearnerBrief = Str(c, "learnerBrief"), TicketFields = Cards(c, "ticketFields"), VerificationFacts = Cards(c, "verificationFacts"),
            KnowledgeBase = Array(c, "knowledgeBase").Select(k => new KnowledgeEntry { Title = Str(k, "title"), Body = Str(k, "body") })
                .Where(k => k.Title.Length > 0 || k.Body.Length > 0).ToList(),
            ShowPhrasesAsHints = d.Context.ShowPhrasesAsHints,
        };
        var t = Obj(e, "tone");
        d.Tone = new ToneGuidelines { PhrasesToUse = List(t, "phrasesToUse"), PhrasesToAvoid = List(t, "phrasesToAvoid"), Rules = List(t, "rules") };
        return List(e, "phaseNames");
    }

    public static Phase ReadPhase(JsonElement e, string fallbackName) => new()
    {
        Key = Str(e, "key"),
        Name = Str(e, "name") is { Length: > 0 } name ? name : fallbackName,
        Description = Str(e, "description"),
        Objectives = List(e, "objectives"),
        KeyVocabulary = List(e, "keyVocabulary"),
        EssentialPhrases = List(e, "essentialPhrases"),
        SuccessCriteria = List(e, "successCriteria"),
        CulturalNotes = Str(e, "culturalNotes"),
        CustomerOpening = Str(e, "customerOpening"),
        FollowUpObjections = List(e, "followUpObjections"),
        IdealResponse = Str(e, "idealResponse"),
        CoachingNotes = Str(e, "coachingNotes"),
        CommonMistakes = List(e, "commonMistakes"),
        ExpectedMinutes = Int(e, "expectedMinutes") ?? 3,
        TestCases = Array(e, "testCases").Take(ScenarioValidator.MaxTestCases).Select(t => new RubricTestCase
        {
            Name = Str(t, "name"), Answer = Str(t, "answer"), MinScore = Int(t, "minScore") ?? 0, MaxScore = Int(t, "maxScore") ?? 100,
        }).ToList(),
    };

    public static List<RubricCriterion> ReadRubric(JsonElement e) =>
        Array(e, "rubric").Take(10).Select(c => new RubricCriterion
        {
            Name = Str(c, "name"), Description = Str(c, "description"), Weight = Int(c, "weight") ?? 0,
        }).ToList();

    /// <summary>
    /// The builder's rules with the publishing rules (a draft is meant to be tried and published: openings and ideal
    /// responses are required), and the draft limits of fields the validator leaves open.
    /// </summary>
    public static FieldErrors Check(ScenarioDocument d)
    {
        var e = ScenarioValidator.Validate(d, forPublish: true);
        Limit(e, "Description", d.Description, 500);
        Limit(e, "Persona.Role", d.Persona.Role, MaxShort);
        Limit(e, "Context.LearnerBrief", d.Context.LearnerBrief, MaxLong);
        for (var i = 0; i < d.Phases.Count; i++)
        {
            var p = d.Phases[i];
            Limit(e, $"Phases[{i}].CustomerOpening", p.CustomerOpening, MaxLong);
            Limit(e, $"Phases[{i}].IdealResponse", p.IdealResponse, MaxLong);
            Limit(e, $"Phases[{i}].CoachingNotes", p.CoachingNotes, MaxLong);
            Limit(e, $"Phases[{i}].Description", p.Description, MaxLong);
            foreach (var (name, list) in new[] { ("Objectives", p.Objectives), ("EssentialPhrases", p.EssentialPhrases),
                         ("FollowUpObjections", p.FollowUpObjections), ("CommonMistakes", p.CommonMistakes), ("SuccessCriteria", p.SuccessCriteria) })
            {
                var longest = list.Select(x => x.Length).DefaultIfEmpty().Max();
                e.Check(longest <= MaxItem, $"Phases[{i}].{name}", $"Keep each item under {MaxItem} characters (the longest has {longest}).");
            }
        }
        return e;
    }

    private static void Limit(FieldErrors e, string key, string value, int max)
    {
        if (!e.Has(key)) e.Check(value.Length <= max, key, $"Keep this under {max:N0} characters (now {value.Length:N0}).");
    }

    /// <summary>
    /// Applies a repair reply <c>{"fixes":[{"field":"Phases[1].IdealResponse","value":…}]}</c> to a copy of the draft: each
    /// field path is one the validator reported (or inside it), set in the draft's JSON, and the whole read back leniently.
    /// Fixes for fields that do not exist are ignored (the error stays at its field). Returns the repaired draft and how many applied.
    /// </summary>
    public static (ScenarioDocument Draft, int Applied) ApplyFixes(ScenarioDocument draft, JsonElement reply)
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(draft))!.AsObject();
        var applied = 0;
        foreach (var fix in Array(reply, "fixes"))
        {
            if (!fix.TryGetProperty("value", out var value)) continue;
            if (Set(node, Str(fix, "field"), JsonNode.Parse(value.GetRawText()))) applied++;
        }
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var root = doc.RootElement;
        var repaired = ScenarioJson.Clone(draft);
        ApplyOverview(repaired, root);
        repaired.Phases = Array(root, "phases").Select((p, i) => ReadPhase(p, draft.Phases.ElementAtOrDefault(i)?.Name ?? $"Phase {i + 1}")).ToList();
        repaired.Rubric = ReadRubric(root);
        return (repaired, applied);
    }

    /// <summary>Sets "Phases[1].IdealResponse" (the validator's key, PascalCase) in the camelCase JSON; false when the path is not there.</summary>
    private static bool Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return false;
        JsonNode current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var m = PathPart().Match(parts[i]);
            if (!m.Success || current is not JsonObject obj) return false;
            var name = JsonNamingPolicy.CamelCase.ConvertName(m.Groups["name"].Value);
            if (!obj.ContainsKey(name)) return false;
            var last = i == parts.Length - 1;
            if (!m.Groups["i"].Success)
            {
                if (last) { obj[name] = value; return true; }
                current = obj[name]!;
                continue;
            }
            if (obj[name] is not JsonArray array || !int.TryParse(m.Groups["i"].Value, out var index) || index >= array.Count) return false;
            if (last) { array[index] = value; return true; }
            current = array[index]!;
        }
        return false;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z]+)(\[(?<i>[0-9]{1,2})\])?$")]
    private static partial Regex PathPart();
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScenarioStudio.Scenarios.Transfer;

/// <summary>A problem with an import file, at its place: "Phases!C14", or "line 42, scenarios[3].phases[1].idealResponse".</summary>
public sealed record ImportProblem(string Place, string Message)
{
    public override string ToString() => Place.Length == 0 ? Message : $"{Place}: {Message}";
}

/// <summary>
/// The scenarios read from a file, the problems found while reading, and the way back from a scenario's field (a
/// <see cref="ScenarioValidator"/> key such as "Phases[1].IdealResponse") to its place in the file.
/// </summary>
public sealed class ParsedFile(TransferFormat format)
{
    public TransferFormat Format { get; } = format;
    public List<ScenarioDocument> Scenarios { get; } = [];
    public List<ImportProblem> Problems { get; } = [];
    /// <summary>Where field <c>key</c> of scenario <c>index</c> is written in the file.</summary>
    public Func<IReadOnlyList<(int Scenario, string Key)>, IReadOnlyList<string>> Places { get; set; } = keys => keys.Select(_ => "").ToList();

    public bool Refused => Problems.Count > 0 && Scenarios.Count == 0;

    public ParsedFile Refuse(string message)
    {
        Problems.Add(new ImportProblem("", message));
        Scenarios.Clear();
        return this;
    }

    /// <summary>"Phases[1].IdealResponse" as the JSON/YAML field path: "phases[1].idealResponse".</summary>
    public static string ToPath(string fieldKey) =>
        string.Join('.', fieldKey.Split('.').Select(ScenarioSheets.ToCamel));

    /// <summary>The field keys of a document's text, for the checks every string gets (control characters).</summary>
    public static IEnumerable<(string Key, string Text)> TextOf(ScenarioDocument d)
    {
        IEnumerable<(string, string)> List(string key, IEnumerable<string> items) => items.Select(i => (key, i));
        yield return ("Title", d.Title);
        yield return ("Slug", d.Slug);
        yield return ("Description", d.Description);
        yield return ("Category", d.Category);
        yield return ("Locale", d.Locale);
        foreach (var t in List("Tags", d.Tags)) yield return t;
        var p = d.Persona;
        foreach (var t in new[] { ("Persona.Name", p.Name), ("Persona.Role", p.Role), ("Persona.StartingMood", p.StartingMood),
                     ("Persona.SpeakingStyle", p.SpeakingStyle) }) yield return t;
        foreach (var t in List("Persona.Traits", p.Traits).Concat(List("Persona.Goals", p.Goals))
                     .Concat(List("Persona.HiddenInformation", p.HiddenInformation)))
            yield return t;
        yield return ("Persona.CardNotes", p.CardNotes ?? "");
        yield return ("Context.LearnerBrief", d.Context.LearnerBrief);
        foreach (var f in d.Context.TicketFields.Concat(d.Context.VerificationFacts))
        {
            yield return ("Context", f.Label);
            yield return ("Context", f.Value);
        }
        foreach (var k in d.Context.KnowledgeBase)
        {
            yield return ("Context.KnowledgeBase", k.Title);
            yield return ("Context.KnowledgeBase", k.Body);
        }
        foreach (var t in List("Tone.PhrasesToUse", d.Tone.PhrasesToUse).Concat(List("Tone.PhrasesToAvoid", d.Tone.PhrasesToAvoid))
                     .Concat(List("Tone.Rules", d.Tone.Rules))) yield return t;
        for (var i = 0; i < d.Rubric.Count; i++)
        {
            yield return ($"Rubric[{i}].Name", d.Rubric[i].Name);
            yield return ($"Rubric[{i}].Description", d.Rubric[i].Description);
        }
        yield return ("Ai.PersonaPrompt", d.Ai.PersonaPrompt);
        yield return ("Ai.CoachInstructions", d.Ai.CoachInstructions);
        yield return ("Ai.ModelOverride", d.Ai.ModelOverride ?? "");
        for (var i = 0; i < d.Phases.Count; i++)
        {
            var ph = d.Phases[i];
            var at = $"Phases[{i}]";
            foreach (var (field, text) in new[] { ("Key", ph.Key), ("Name", ph.Name), ("Description", ph.Description),
                         ("CulturalNotes", ph.CulturalNotes), ("CustomerOpening", ph.CustomerOpening), ("IdealResponse", ph.IdealResponse),
                         ("CoachingNotes", ph.CoachingNotes) })
                yield return ($"{at}.{field}", text);
            foreach (var (field, items) in new[] { ("Objectives", ph.Objectives), ("KeyVocabulary", ph.KeyVocabulary),
                         ("EssentialPhrases", ph.EssentialPhrases), ("SuccessCriteria", ph.SuccessCriteria),
                         ("FollowUpObjections", ph.FollowUpObjections), ("CommonMistakes", ph.CommonMistakes) })
                foreach (var item in items) yield return ($"{at}.{field}", item);
            for (var t = 0; t < ph.TestCases.Count; t++)
            {
                yield return ($"{at}.TestCases[{t}].Name", ph.TestCases[t].Name);
                yield return ($"{at}.TestCases[{t}].Answer", ph.TestCases[t].Answer);
            }
        }
    }

    /// <summary>
    /// The control character in the text, if any (tab and line breaks are text). Pasted from other systems they
    /// corrupt exports and can hide content from a reviewer, so an import refuses them at their place.
    /// </summary>
    public static char? ControlCharacterIn(string text)
    {
        foreach (var c in text)
        {
            if (c is '\t' or '\n' or '\r') continue;
            if (char.IsControl(c) || c is '\uFFFE' or '\uFFFF') return c;
        }
        return null;
    }

    /// <summary>
    /// The document with every line break as "\n": files from Windows carry CRLF, and the same scenario must read the
    /// same whichever editor saved it.
    /// </summary>
    public static ScenarioDocument WithLf(ScenarioDocument d)
    {
        if (!TextOf(d).Any(t => t.Text.Contains('\r'))) return d;
        var node = JsonSerializer.SerializeToNode(d, ScenarioJson.Options)!;
        return Lf(node)!.Deserialize<ScenarioDocument>(ScenarioJson.Options)!;
    }

    private static JsonNode? Lf(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList()) o[name] = Lf(o[name]?.DeepClone());
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) a[i] = Lf(a[i]?.DeepClone());
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text) && text.Contains('\r'):
                return JsonValue.Create(text.Replace("\r\n", "\n").Replace('\r', '\n'));
            default:
                return node;
        }
    }

    /// <summary>Whether the bytes are UTF-8 text (after any byte-order mark): import files are.</summary>
    public static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
}

using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ScenarioStudio.Scenarios.Transfer;

/// <summary>
/// Reads scenarios from a JSON, YAML or Excel file. The file's type is read from its content and must match its
/// extension; hostile files (oversize, nested too deep, YAML alias bombs, zip bombs, too many scenarios) are refused
/// before they cost memory, and every problem is reported at its place. Nothing here touches the database.
/// </summary>
public static class ScenarioFileReader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEnumNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static ParsedFile Read(ReadOnlyMemory<byte> content, string fileName, TransferLimits limits, IProgress<double>? progress = null)
    {
        var format = ScenarioFile.FormatOf(fileName);
        var parsed = new ParsedFile(format ?? TransferFormat.Json);
        if (format is null)
            return parsed.Refuse(Path.GetExtension(fileName).Equals(".xls", StringComparison.OrdinalIgnoreCase)
                ? "Old .xls workbooks cannot be read: open it in Excel or LibreOffice and save it as .xlsx."
                : "Choose a .json, .yaml (.yml) or .xlsx file.");
        if (content.Length > limits.MaxFileBytes)
            return parsed.Refuse($"The file is {Megabytes(content.Length)}; the largest accepted is {Megabytes(limits.MaxFileBytes)}. " +
                "Split it into smaller files.");
        if (content.Length == 0) return parsed.Refuse("The file is empty.");
        if (Mismatch(content.Span, format.Value) is { } mismatch) return parsed.Refuse(mismatch);

        try
        {
            switch (format)
            {
                case TransferFormat.Json: ReadJson(parsed, content, limits, progress); break;
                case TransferFormat.Yaml: ReadYaml(parsed, content, limits, progress); break;
                default: XlsxScenarioReader.Read(parsed, content, limits, progress); break;
            }
        }
        catch (FileRefusedException refused)
        {
            return parsed.Refuse(refused.Message);
        }

        CheckText(parsed);
        for (var i = 0; i < parsed.Scenarios.Count; i++) parsed.Scenarios[i] = ParsedFile.WithLf(parsed.Scenarios[i]);
        progress?.Report(1);
        return parsed;
    }

    /// <summary>Why the content is not what the extension says, or null when it is.</summary>
    private static string? Mismatch(ReadOnlySpan<byte> b, TransferFormat format)
    {
        var zip = b.StartsWith("PK\x03\x04"u8);
        var oldOffice = b.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]);
        if (format == TransferFormat.Xlsx)
        {
            if (oldOffice) return "This is an old-style .xls workbook renamed .xlsx: open it in Excel or LibreOffice and save it as .xlsx.";
            return zip ? null : "This file is not an Excel workbook (.xlsx), whatever its name says. Choose the workbook, or a .json or .yaml file.";
        }
        var name = format == TransferFormat.Json ? "JSON" : "YAML";
        if (zip || oldOffice) return $"This file is a workbook or an archive, not {name} text: name it .xlsx if it is a workbook.";
        if (b.IndexOf((byte)0) >= 0 || !ParsedFile.IsUtf8(ParsedFile.WithoutBom(b.ToArray()).Span))
            return $"This file is not {name} text in UTF-8 (it holds binary data or another encoding). Save it as UTF-8 and retry.";
        if (format == TransferFormat.Json)
        {
            var text = ParsedFile.WithoutBom(b.ToArray()).Span.TrimStart(" \t\r\n"u8);
            if (text.Length == 0 || (text[0] != (byte)'{' && text[0] != (byte)'[' && text[0] != (byte)'/'))
                return "This file is not JSON: a scenario file starts with { or [. Choose the right file, or name it .yaml if it is YAML.";
        }
        return null;
    }

    private static void ReadJson(ParsedFile parsed, ReadOnlyMemory<byte> content, TransferLimits limits, IProgress<double>? progress)
    {
        var bytes = ParsedFile.WithoutBom(content);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions
            {
                MaxDepth = TransferLimits.MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? $"line {line + 1}" : "";
            if (e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
                throw new FileRefusedException($"The file nests deeper than {TransferLimits.MaxDepth} levels ({at}); a scenario file needs 6.");
            parsed.Problems.Add(new ImportProblem(at, "this is not valid JSON: " + JsonReason(e)));
            return;
        }
        using (document)
        {
            var (items, prefix) = Items(document.RootElement);
            if (items.Count > limits.MaxScenarios) throw TooMany(items.Count, limits);
            var errorPaths = new List<(string Path, string Message)>();
            for (var i = 0; i < items.Count; i++)
            {
                var path = prefix(i);
                try
                {
                    parsed.Scenarios.Add(items[i].ValueKind == JsonValueKind.Object
                        ? items[i].Deserialize<ScenarioDocument>(ScenarioFile.JsonOptions)!
                        : throw new JsonException("a scenario is an object { … }", $"$", null, null));
                }
                catch (JsonException e)
                {
                    var inner = (e.Path ?? "$").TrimStart('$').TrimStart('.');
                    errorPaths.Add((Join(path, inner), JsonReason(e)));
                    parsed.Scenarios.Add(new ScenarioDocument());
                }
                if (i % 100 == 0) progress?.Report(0.5 * i / items.Count);
            }
            var lines = JsonLines(bytes.Span, errorPaths.Select(e => e.Path).ToHashSet(StringComparer.OrdinalIgnoreCase));
            foreach (var (path, message) in errorPaths) parsed.Problems.Add(new ImportProblem(JsonPlace(path, lines), message));
            parsed.Places = keys =>
            {
                var paths = keys.Select(k => Join(prefix(k.Scenario), ParsedFile.ToPath(k.Key))).ToList();
                var found = JsonLines(bytes.Span, paths.SelectMany(Ancestors).ToHashSet(StringComparer.OrdinalIgnoreCase));
                return paths.Select(p => JsonPlace(p, found)).ToList();
            };
        }
    }

    /// <summary>The scenarios of a file: { "scenarios": [ … ] }, a bare list [ … ], or one scenario { … }; with each one's path.</summary>
    private static (List<JsonElement> Items, Func<int, string> Path) Items(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array) return (root.EnumerateArray().ToList(), i => $"[{i}]");
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("scenarios") && property.Value.ValueKind == JsonValueKind.Array)
                    return (property.Value.EnumerateArray().ToList(), i => $"scenarios[{i}]");
            }
            return ([root], _ => "");
        }
        throw new FileRefusedException("This JSON holds no scenarios: it should be { \"scenarios\": [ … ] }, a list [ … ] or one scenario { … }.");
    }

    private static string JsonReason(JsonException e)
    {
        var message = e.Message;
        foreach (var cut in new[] { " Path:", " LineNumber:", " | " })
        {
            var at = message.IndexOf(cut, StringComparison.Ordinal);
            if (at > 0) message = message[..at];
        }
        return message.Contains("could not be converted", StringComparison.Ordinal)
            ? "this value has the wrong type for the field (text, a number, a list or true/false)."
            : message.TrimEnd('.') + ".";
    }

    private static string JsonPlace(string path, IReadOnlyDictionary<string, int> lines)
    {
        foreach (var candidate in Ancestors(path))
        {
            if (lines.TryGetValue(candidate, out var line)) return $"line {line}, {(path.Length == 0 ? "the scenario" : path)}";
        }
        return path;
    }

    /// <summary>The path and the paths above it, nearest first: "a[1].b", "a[1]", "a", "".</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        var p = path;
        while (true)
        {
            yield return p;
            if (p.Length == 0) yield break;
            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            p = cut <= 0 ? "" : p[..cut];
        }
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : b.StartsWith('[') ? a + b : $"{a}.{b}";

    /// <summary>The line (1-based) where each wanted path's value starts, read with one pass of the JSON reader.</summary>
    private static Dictionary<string, int> JsonLines(ReadOnlySpan<byte> json, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (wanted.Count == 0) return found;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new List<string>();
        var index = new List<int>();
        string? property = null;
        var (line, counted) = (1, 0);
        while (reader.Read())
        {
            var at = (int)reader.TokenStartIndex;
            line += json[counted..at].Count((byte)'\n');
            counted = at;
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
                continue;
            }
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                path.RemoveAt(path.Count - 1);
                index.RemoveAt(index.Count - 1);
                continue;
            }
            // A value: its path is its parent's and its name or index.
            var parent = path.Count == 0 ? null : path[^1];
            string? here = parent is null ? "" : property is not null ? Join(parent, property) : $"{parent}[{index[^1]++}]";
            property = null;
            if (here is not null && wanted.Contains(here)) found.TryAdd(here, line);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                path.Add(here ?? "");
                index.Add(0);
            }
        }
        return found;
    }

    private static void ReadYaml(ParsedFile parsed, ReadOnlyMemory<byte> content, TransferLimits limits, IProgress<double>? progress)
    {
        var text = new UTF8Encoding(false).GetString(ParsedFile.WithoutBom(content).Span);
        var shape = YamlGuard.Check(text, limits);
        Func<int, string> prefix = shape switch
        {
            YamlShape.Envelope => i => $"scenarios[{i}]",
            YamlShape.List => i => $"[{i}]",
            _ => _ => "",
        };
        try
        {
            var parser = new MergingParser(new Parser(new StringReader(text)));
            List<ScenarioDocument?> scenarios = shape switch
            {
                YamlShape.Envelope => [.. Yaml.Deserialize<ScenarioFile?>(parser)?.Scenarios ?? []],
                YamlShape.List => Yaml.Deserialize<List<ScenarioDocument?>?>(parser) ?? [],
                _ => [Yaml.Deserialize<ScenarioDocument?>(parser)],
            };
            if (scenarios.Count > limits.MaxScenarios) throw TooMany(scenarios.Count, limits);
            parsed.Scenarios.AddRange(scenarios.Select(s => s ?? new ScenarioDocument()));
        }
        catch (YamlException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            var cut = reason.IndexOf("): ", StringComparison.Ordinal);
            if (reason.StartsWith("(Line", StringComparison.Ordinal) && cut > 0) reason = reason[(cut + 3)..];
            parsed.Problems.Add(new ImportProblem($"line {e.Start.Line}, column {e.Start.Column}", reason.TrimEnd('.') + "."));
            parsed.Scenarios.Clear();
            return;
        }
        progress?.Report(0.5);
        parsed.Places = keys =>
        {
            var paths = keys.Select(k => Join(prefix(k.Scenario), ParsedFile.ToPath(k.Key))).ToList();
            var found = YamlGuard.Lines(text, paths.SelectMany(Ancestors).ToHashSet(StringComparer.OrdinalIgnoreCase));
            return paths.Select(p => JsonPlace(p, found)).ToList();
        };
    }

    /// <summary>Every text of every scenario is free of control characters (refused at its place).</summary>
    private static void CheckText(ParsedFile parsed)
    {
        var found = new List<(int Scenario, string Key, char Character)>();
        for (var i = 0; i < parsed.Scenarios.Count; i++)
        {
            foreach (var (key, text) in ParsedFile.TextOf(parsed.Scenarios[i]))
            {
                if (ParsedFile.ControlCharacterIn(text) is { } c) found.Add((i, key, c));
            }
        }
        var distinct = found.DistinctBy(f => (f.Scenario, f.Key)).ToList();
        var places = parsed.Places(distinct.Select(f => (f.Scenario, f.Key)).ToList());
        parsed.Problems.AddRange(distinct.Select((f, n) => new ImportProblem(places[n],
            $"contains a control character (U+{(int)f.Character:X4}), which is not text; remove it and import again.")));
    }

    internal static FileRefusedException TooMany(int count, TransferLimits limits) =>
        new($"The file holds {count:N0} scenarios; at most {limits.MaxScenarios:N0} are imported at once. Split it into smaller files.");

    internal static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024):0.#} MB";
}

/// <summary>A file refused as a whole, before or while reading it; the message is written for the person importing.</summary>
public sealed class FileRefusedException(string message) : Exception(message);

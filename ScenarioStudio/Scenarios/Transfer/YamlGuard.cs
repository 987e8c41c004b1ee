using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ScenarioStudio.Scenarios.Transfer;

public enum YamlShape { Envelope, List, Single }

/// <summary>
/// Reads a YAML file's events once before anything is built from it: refuses nesting deeper than
/// <see cref="TransferLimits.MaxDepth"/> and files whose aliases expand to more than
/// <see cref="TransferLimits.MaxYamlNodes"/> values (the "billion laughs": nine lines that expand to a billion
/// strings), counting each alias as the size of what it names; says what the root holds; and finds the lines of fields.
/// </summary>
public static class YamlGuard
{
    public static YamlShape Check(string text, TransferLimits limits)
    {
        var parser = new Parser(new StringReader(text));
        var sizes = new Dictionary<string, long>();
        var open = new Stack<(string? Anchor, long Start)>();
        long nodes = 0;
        var shape = YamlShape.Single;
        var rootKind = 0; // 1 mapping, 2 sequence
        var expectRootKey = false;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        nodes += sizes.TryGetValue(alias.Value.Value, out var size) ? size : 1;
                        if (open.Count == 1 && rootKind == 1) expectRootKey = !expectRootKey;
                        break;
                    case Scalar scalar:
                        nodes++;
                        if (!scalar.Anchor.IsEmpty) sizes[scalar.Anchor.Value] = 1;
                        if (open.Count == 1 && rootKind == 1)
                        {
                            if (expectRootKey && scalar.Value == "scenarios") shape = YamlShape.Envelope;
                            expectRootKey = !expectRootKey;
                        }
                        break;
                    case NodeEvent start and (MappingStart or SequenceStart):
                        nodes++;
                        if (open.Count == 0)
                        {
                            rootKind = start is MappingStart ? 1 : 2;
                            if (rootKind == 2) shape = YamlShape.List;
                            expectRootKey = true;
                        }
                        else if (open.Count == 1 && rootKind == 1) expectRootKey = false;
                        open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes));
                        if (open.Count > TransferLimits.MaxDepth)
                            throw new FileRefusedException($"The file nests deeper than {TransferLimits.MaxDepth} levels (line {start.Start.Line}); " +
                                "a scenario file needs 6.");
                        break;
                    case MappingEnd or SequenceEnd:
                        var (anchor, from) = open.Pop();
                        if (anchor is not null) sizes[anchor] = nodes - from + 1;
                        if (open.Count == 1 && rootKind == 1) expectRootKey = true;
                        break;
                }
                if (nodes > limits.MaxYamlNodes)
                    throw new FileRefusedException($"The file's aliases (*name) expand to more than {limits.MaxYamlNodes:N0} values (near line " +
                        $"{parser.Current?.Start.Line}): refused as a YAML bomb. Write the content out, or use fewer nested aliases.");
            }
        }
        catch (YamlException e)
        {
            throw new FileRefusedException($"This is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {Reason(e)}");
        }
        return shape;
    }

    /// <summary>The line (1-based) where each wanted path's value starts ("scenarios[3].phases[1].idealResponse").</summary>
    public static Dictionary<string, int> Lines(string text, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var parser = new Parser(new StringReader(text));
        // Each open collection: its path, whether it is a mapping, the key waiting for its value, the next index.
        var open = new Stack<Frame>();
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            if (e is MappingEnd or SequenceEnd)
            {
                open.Pop();
                continue;
            }
            if (e is not (Scalar or AnchorAlias or MappingStart or SequenceStart)) continue;
            string here;
            if (open.Count == 0) here = "";
            else
            {
                var parent = open.Peek();
                if (parent.IsMapping && parent.Key is null)
                {
                    parent.Key = e is Scalar key ? key.Value : "?";
                    continue;
                }
                here = parent.IsMapping ? (parent.Path.Length == 0 ? parent.Key! : $"{parent.Path}.{parent.Key}") : $"{parent.Path}[{parent.Index++}]";
                parent.Key = null;
            }
            if (wanted.Contains(here)) found.TryAdd(here, (int)e.Start.Line);
            if (e is MappingStart or SequenceStart) open.Push(new Frame(here, e is MappingStart));
        }
        return found;
    }

    private sealed class Frame(string path, bool isMapping)
    {
        public string Path { get; } = path;
        public bool IsMapping { get; } = isMapping;
        public string? Key { get; set; }
        public int Index { get; set; }
    }

    private static string Reason(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message).TrimEnd('.') + ".";
    }
}

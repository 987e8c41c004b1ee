using System.Collections.Frozen;
using System.Reflection;
using System.Text;

namespace ScenarioStudio.Ai;

/// <summary>The prompt files under Ai/Prompts/, with {{placeholders}} filled in.</summary>
public static class Prompts
{
    private const string Prefix = "prompts/";

    /// <summary>Every prompt file, read once from the build: fixed text, the same on every node.</summary>
    private static readonly FrozenDictionary<string, string> Templates = Assembly.GetExecutingAssembly().GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".md", StringComparison.Ordinal))
        .ToFrozenDictionary(n => n[Prefix.Length..^".md".Length], Read);

    public static string Fill(string name, IReadOnlyDictionary<string, string> values)
    {
        var template = Templates.GetValueOrDefault(name) ?? throw new InvalidOperationException($"Missing prompt file Ai/Prompts/{name}.md in the build.");
        var text = new StringBuilder(template);
        foreach (var (key, value) in values) text.Replace("{{" + key + "}}", value);
        return text.ToString();
    }

    private static string Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

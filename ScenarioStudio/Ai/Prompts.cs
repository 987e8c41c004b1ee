using System.Reflection;
using System.Text;

namespace ScenarioStudio.Ai;

/// <summary>The prompt files under Ai/Prompts/, with {{placeholders}} filled in.</summary>
public static class Prompts
{
    private static readonly Dictionary<string, string> Cache = new();

    public static string Fill(string name, IReadOnlyDictionary<string, string> values)
    {
        string template;
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out template!))
            {
                using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"prompts/{name}.md")
                    ?? throw new InvalidOperationException($"Missing prompt file Ai/Prompts/{name}.md in the build.");
                using var reader = new StreamReader(stream);
                Cache[name] = template = reader.ReadToEnd();
            }
        }
        var text = new StringBuilder(template);
        foreach (var (key, value) in values) text.Replace("{{" + key + "}}", value);
        return text.ToString();
    }
}

using System.Net;
using System.Text.RegularExpressions;

namespace ScenarioStudio.Scenarios.Comments;

/// <summary>A member mentioned in a comment.</summary>
public sealed record Mention(string UserId, string Name);

/// <summary>
/// Mentions are stored in the Markdown as <c>@[Display Name](userId)</c>. They are rendered as a highlighted name: the
/// Markdown is rendered and sanitised with each mention replaced by a placeholder, then the placeholders become
/// <c>&lt;span class="mention"&gt;</c> with the encoded name, so a name can carry no markup.
/// </summary>
public static partial class Mentions
{
    [GeneratedRegex(@"@\[(?<name>[^\[\]\r\n]{1,100})\]\((?<id>[A-Za-z0-9\-]{1,64})\)")]
    private static partial Regex Token();

    private const char Open = '\uE000', Close = '\uE001';

    public static IReadOnlyList<Mention> Find(string? body) =>
        body is null ? [] : Token().Matches(body).Select(m => new Mention(m.Groups["id"].Value, m.Groups["name"].Value.Trim()))
            .DistinctBy(m => m.UserId).ToList();

    /// <summary>The token the composer inserts for a member: brackets and line breaks in a name are dropped.</summary>
    public static string TokenFor(string userId, string name)
    {
        var clean = new string(name.Where(c => c is not ('[' or ']' or '\r' or '\n')).ToArray()).Trim();
        return $"@[{(clean.Length > 100 ? clean[..100] : clean)}]({userId})";
    }

    /// <summary>The comment as safe HTML: Markdown through <paramref name="renderer"/> (sanitised), mentions highlighted.</summary>
    public static string ToHtml(MarkdownRenderer renderer, string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        var names = new List<string>();
        // Placeholders use private-use characters; any the author typed are removed first, so none can be forged.
        var text = body.Replace(Open.ToString(), "").Replace(Close.ToString(), "");
        text = Token().Replace(text, m =>
        {
            names.Add(m.Groups["name"].Value.Trim());
            return $"{Open}{names.Count - 1}{Close}";
        });
        var html = renderer.ToHtml(text);
        return Regex.Replace(html, $"{Open}(\\d+){Close}", m =>
            int.TryParse(m.Groups[1].Value, out var i) && i < names.Count
                ? $"<span class=\"mention\">@{WebUtility.HtmlEncode(names[i])}</span>"
                : "");
    }

    /// <summary>The comment as plain text for a notification: mentions shown as "@Name".</summary>
    public static string ToPlainText(string body) => Token().Replace(body, m => "@" + m.Groups["name"].Value.Trim());
}

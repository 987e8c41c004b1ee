using AngleSharp.Dom;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// Stored-XSS payloads a tester types into free-text fields, and the check that a page rendered with them took none
/// of them as markup: it has exactly the elements and attributes of the same page rendered with harmless text, and
/// every payload reads back as the text it was.
/// </summary>
public static class HostilePayloads
{
    public static readonly string[] All =
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<meta http-equiv=refresh content=\"0;url=//evil.test\">",
        "<style>body{display:none}</style>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
        "<a href=\"&#106;avascript:alert(1)\">entity</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<iframe src=//evil.test></iframe>",
        "\"><b onmouseover=alert(1)>quote break</b>",
        "Tone & empathy <3",
    ];

    /// <summary>Harmless text of the same count, for the baseline render.</summary>
    public static readonly string[] Harmless = All.Select((_, i) => $"Criterion {i + 1}").ToArray();

    /// <summary>Fails when the hostile render holds an element or attribute the harmless one does not, or lost a payload's text.</summary>
    public static void AssertInert(IElement harmless, IElement hostile, IEnumerable<string> payloads)
    {
        Assert.Equal(Shape(harmless), Shape(hostile));
        foreach (var payload in payloads) Assert.Contains(payload, hostile.TextContent, StringComparison.Ordinal);
    }

    /// <summary>Every element name and attribute name, counted.</summary>
    private static string Shape(IElement root) => string.Join('\n', root.QuerySelectorAll("*")
        .SelectMany(e => e.Attributes.Select(a => $"{e.LocalName}@{a.Name}").Prepend(e.LocalName))
        .Where(n => !n.Contains("blazor:", StringComparison.Ordinal))
        .GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"));
}

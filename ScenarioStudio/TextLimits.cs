namespace ScenarioStudio;

public static class TextLimits
{
    /// <summary>The text, or its first <paramref name="max"/> − 1 characters and "…" when it is longer: a stored column's limit.</summary>
    public static string Shorten(this string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScenarioStudio.Scenarios;

/// <summary>The one JSON shape for scenarios: templates, JSON columns, import and export.</summary>
public static class ScenarioJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"The JSON is empty where a {typeof(T).Name} was expected.");

    /// <summary>A deep copy, through UTF-8 (no UTF-16 string in between).</summary>
    public static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, Options), Options)!;

    /// <summary>Whether two values have the same JSON (EF's comparer for JSON columns).</summary>
    public static bool SameJson<T>(T x, T y) =>
        ReferenceEquals(x, y) || JsonSerializer.SerializeToUtf8Bytes(x, Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(y, Options));
}

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

    public static T Clone<T>(T value) => Deserialize<T>(Serialize(value));
}

using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace ScenarioStudio.Scenarios.Transfer;

public enum TransferFormat { Json, Yaml, Xlsx }

/// <summary>
/// A scenario file as JSON and YAML carry it: the format's version and the scenarios, each the document the builder edits
/// (<see cref="ScenarioDocument"/>). Import also takes a bare list of scenarios or a single scenario.
/// </summary>
[Description("ScenarioStudio scenarios: persona, context, phases, tone and rubric of each training scenario.")]
public sealed class ScenarioFile
{
    public const int CurrentVersion = 1;

    [Description("The version of this format (1).")]
    public int FormatVersion { get; set; } = CurrentVersion;

    public List<ScenarioDocument> Scenarios { get; set; } = [];

    /// <summary>Indented, property names in camelCase, enum values as camelCase words, text as written (files are not HTML).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(ScenarioJson.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = TransferLimits.MaxDepth,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static string Extension(TransferFormat format) => format switch
    {
        TransferFormat.Json => "json",
        TransferFormat.Yaml => "yaml",
        _ => "xlsx",
    };

    public static string ContentType(TransferFormat format) => format switch
    {
        TransferFormat.Json => "application/json",
        TransferFormat.Yaml => "application/yaml",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };

    public static TransferFormat? FormatOf(string extensionOrName)
    {
        var extension = Path.GetExtension(extensionOrName) is { Length: > 0 } e ? e[1..] : extensionOrName;
        return extension.ToLowerInvariant() switch
        {
            "json" => TransferFormat.Json,
            "yaml" or "yml" => TransferFormat.Yaml,
            "xlsx" => TransferFormat.Xlsx,
            _ => null,
        };
    }

    /// <summary>The JSON Schema of the file (served at /schemas/scenario.json), from the types themselves.</summary>
    public static string Schema()
    {
        var schema = JsonOptions.GetJsonSchemaAsNode(typeof(ScenarioFile), new JsonSchemaExporterOptions
        {
            TransformSchemaNode = (context, node) =>
            {
                var description = (context.PropertyInfo?.AttributeProvider ?? context.TypeInfo.Type)
                    .GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).OfType<DescriptionAttribute>().FirstOrDefault();
                if (description is not null && node is JsonObject o) o.Insert(0, "description", description.Description);
                return node;
            },
        });
        var root = (JsonObject)schema;
        root.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
        root.Insert(1, "$id", "/schemas/scenario.json");
        root.Insert(2, "title", "ScenarioStudio scenarios");
        return root.ToJsonString(JsonOptions);
    }
}

/// <summary>What an import file may cost before it is refused (configuration section "Transfer").</summary>
public sealed class TransferLimits
{
    /// <summary>How deep JSON and YAML may nest; a scenario needs 6 levels.</summary>
    public const int MaxDepth = 32;

    public long MaxFileBytes { get; set; } = 20L * 1024 * 1024;
    public int MaxScenarios { get; set; } = 10_000;
    /// <summary>The most an .xlsx may unpack to, whatever its parts declare: a zip bomb is refused before it is read.</summary>
    public long MaxUnpackedBytes { get; set; } = 400L * 1024 * 1024;
    /// <summary>The most values a YAML file may expand to once its aliases are followed ("billion laughs").</summary>
    public long MaxYamlNodes { get; set; } = 5_000_000;
}

using System.Text;
using System.Text.Json;
using ScenarioStudio.Progress;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;
using YamlDotNet.Serialization.NamingConventions;

namespace ScenarioStudio.Scenarios.Transfer;

/// <summary>
/// Writes scenarios as JSON, YAML or an Excel workbook. The three carry the same content, and the same scenarios
/// always give the same bytes, so exports can be compared and kept in version control.
/// </summary>
public static class ScenarioFileWriter
{
    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEnumNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEventEmitter(next => new MultilineAsLiteral(next))
        .DisableAliases()
        .Build();

    public static async Task WriteAsync(IReadOnlyList<ScenarioDocument> scenarios, TransferFormat format, Stream output, CancellationToken ct = default)
    {
        var file = new ScenarioFile { Scenarios = [.. scenarios] };
        switch (format)
        {
            case TransferFormat.Json:
                await JsonSerializer.SerializeAsync(output, file, ScenarioFile.JsonOptions, ct);
                break;
            case TransferFormat.Yaml:
                var text = "# ScenarioStudio scenarios (schema: /schemas/scenario.json)\n" + Yaml.Serialize(file);
                await output.WriteAsync(new UTF8Encoding(false).GetBytes(text), ct);
                break;
            default:
                // The zip is written synchronously (XlsxWriter): into memory, then out.
                using (var buffer = new MemoryStream())
                {
                    await XlsxWriter.WriteAsync(Workbook(file.Scenarios), buffer, ct);
                    buffer.Position = 0;
                    await buffer.CopyToAsync(output, ct);
                }
                break;
        }
    }

    public static async Task<byte[]> ToBytesAsync(IReadOnlyList<ScenarioDocument> scenarios, TransferFormat format, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await WriteAsync(scenarios, format, buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>The workbook's sheets (<see cref="ScenarioSheets"/>), README last.</summary>
    private static List<ExportTable> Workbook(IReadOnlyList<ScenarioDocument> scenarios)
    {
        return
        [
            Table(ScenarioSheets.ScenarioSheet, scenarios.Select(d => (Array.Empty<object?>(), d))),
            Table(ScenarioSheets.PhaseSheet, scenarios.SelectMany(d => d.Phases.Select((p, i) => (Keys(d.Slug, i + 1), p)))),
            Table(ScenarioSheets.TestCaseSheet, scenarios.SelectMany(d => d.Phases.SelectMany((p, i) =>
                p.TestCases.Select((c, j) => (Keys(d.Slug, i + 1, j + 1), c))))),
            Table(ScenarioSheets.RubricSheet, scenarios.SelectMany(d => d.Rubric.Select((c, i) => (Keys(d.Slug, i + 1), c)))),
            Table(ScenarioSheets.KnowledgeSheet, scenarios.SelectMany(d => d.Context.KnowledgeBase.Select((k, i) => (Keys(d.Slug, i + 1), k)))),
            Table(ScenarioSheets.CardSheet, scenarios.SelectMany(d =>
                d.Context.TicketFields.Select((c, i) => (Keys(d.Slug, ScenarioSheets.TicketCard, i + 1), c))
                    .Concat(d.Context.VerificationFacts.Select((c, i) => (Keys(d.Slug, ScenarioSheets.VerificationCard, i + 1), c))))),
            new ExportTable(ScenarioSheets.Readme, [new("sheet"), new("column"), new("meaning")],
                ScenarioSheets.ReadmeRows().Select(r => new object?[] { r.Sheet, r.Column, r.Meaning })),
        ];
    }

    private static object?[] Keys(params object?[] keys) => keys;

    private static ExportTable Table<T>(SheetLayout<T> layout, IEnumerable<(object?[] Keys, T Row)> rows) =>
        new(layout.Name,
            ScenarioSheets.KeysOf(layout.Name).Select(k => new ExportColumn(k.Header)).Concat(layout.Columns.Select(c => new ExportColumn(c.Header))).ToList(),
            rows.Select(r => r.Keys.Concat(layout.Columns.Select(c => c.Write(r.Row))).ToArray()));

    /// <summary>Text of several lines as a YAML literal block (<c>|</c>), as a person would write it, where YAML allows.</summary>
    private sealed class MultilineAsLiteral(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && text.Contains('\n')) eventInfo.Style = ScalarStyle.Literal;
            base.Emit(eventInfo, emitter);
        }
    }
}

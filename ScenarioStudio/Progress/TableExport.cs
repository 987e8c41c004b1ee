using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ScenarioStudio.Progress;

/// <summary>
/// A table to export: typed columns and rows of values. Rows are a stream, so a table of every session of an
/// organisation is written as it is read and never held in memory.
/// </summary>
public sealed record ExportTable(string Name, IReadOnlyList<ExportColumn> Columns, IAsyncEnumerable<object?[]> Rows)
{
    public ExportTable(string name, IReadOnlyList<ExportColumn> columns, IEnumerable<object?[]> rows)
        : this(name, columns, rows.ToAsyncEnumerable())
    {
    }
}

public enum ColumnKind { Text, Number, Date }

public sealed record ExportColumn(string Header, ColumnKind Kind = ColumnKind.Text);

public enum ExportFormat { Csv, Excel }

/// <summary>
/// Writes tables as CSV and Excel. Text cells that a spreadsheet would run as a formula (starting with = + - @,
/// tab, carriage return or NUL) are neutralised with a leading apostrophe in both formats.
/// </summary>
public static class TableExport
{
    private static readonly char[] Dangerous = ['=', '+', '-', '@', '\t', '\r', '\0'];

    public static string Neutralise(string text) => text.Length > 0 && Dangerous.Contains(text[0]) ? "'" + text : text;

    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string Extension(ExportFormat format) => format == ExportFormat.Csv ? "csv" : "xlsx";

    /// <summary>Tables up to this many rows go to Excel through ClosedXML; longer ones stream through <see cref="XlsxWriter"/>.</summary>
    public const int ClosedXmlRowLimit = 5_000;

    public static Task WriteAsync(ExportTable table, ExportFormat format, Stream output, CancellationToken ct = default) =>
        format == ExportFormat.Csv ? WriteCsvAsync(table, output, ct) : WriteExcelAsync(table, output, ct);

    /// <summary>
    /// Dashboard tables (a row per learner, scenario or criterion) are small and go through ClosedXML; a table that
    /// turns out longer than <see cref="ClosedXmlRowLimit"/> (the session log) is streamed instead, so memory stays flat.
    /// </summary>
    public static async Task WriteExcelAsync(ExportTable table, Stream output, CancellationToken ct = default)
    {
        var rows = table.Rows.WithCancellation(ct).GetAsyncEnumerator();
        try
        {
            var head = new List<object?[]>();
            var more = false;
            while (head.Count <= ClosedXmlRowLimit && (more = await rows.MoveNextAsync())) head.Add(rows.Current);
            if (!more)
            {
                ClosedXmlWriter.Write(table.Name, table.Columns, head, output);
                return;
            }
            await XlsxWriter.WriteAsync(table with { Rows = Concat(head, rows) }, output, ct);
        }
        finally
        {
            await rows.DisposeAsync();
        }
    }

    /// <summary>The rows already read, then the rest of the same enumeration.</summary>
    private static async IAsyncEnumerable<object?[]> Concat(List<object?[]> head, ConfiguredCancelableAsyncEnumerable<object?[]>.Enumerator rest)
    {
        foreach (var row in head) yield return row;
        while (await rest.MoveNextAsync()) yield return rest.Current;
    }

    public static async Task WriteCsvAsync(ExportTable table, Stream output, CancellationToken ct = default)
    {
        // UTF-8 with a byte-order mark, so Excel opens accented names correctly.
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', table.Columns.Select(c => Quote(Neutralise(c.Header)))) + "\r\n");
        var line = new StringBuilder();
        await foreach (var row in table.Rows.WithCancellation(ct))
        {
            line.Clear();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(Quote(Format(row[i], table.Columns[i].Kind)));
            }
            await writer.WriteAsync(line.Append("\r\n"), ct);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>The text of a cell in CSV (and the width estimate in Excel).</summary>
    public static string Format(object? value, ColumnKind kind) => value switch
    {
        null => "",
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        IFormattable f when kind == ColumnKind.Number => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Neutralise(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

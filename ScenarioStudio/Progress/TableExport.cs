using System.Buffers;
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
/// Writes tables as CSV and Excel. In CSV every text field is quoted, and text a spreadsheet would run as a formula is
/// neutralised with an apostrophe wherever a cell could begin: at the start of the value and after every comma,
/// semicolon, tab or line break in it, because Excel in a German, French or Dutch locale splits a CSV line on
/// semicolons and a misread quote would split a field on commas. In Excel, text is a typed text cell (never a formula,
/// format "@", quote prefix), so it keeps its own first character and no apostrophe shows.
/// </summary>
public static class TableExport
{
    /// <summary>What starts a formula (or hides one: a quote may open a field a spreadsheet then reads as a formula).</summary>
    private static readonly SearchValues<char> Dangerous = SearchValues.Create("=+-@\t\r\0\"");
    /// <summary>Where a spreadsheet may start a new cell when it reads a CSV line with another separator.</summary>
    private static readonly SearchValues<char> CellBreaks = SearchValues.Create(",;\t\r\n");
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",;\"\r\n");

    /// <summary>The text with an apostrophe before each place where a cell could begin with a formula character.</summary>
    public static string Neutralise(string text)
    {
        StringBuilder? result = null;
        for (var i = 0; i < text.Length; i++)
        {
            if ((i == 0 || CellBreaks.Contains(text[i - 1])) && Dangerous.Contains(text[i]))
                (result ??= new StringBuilder(text.Length + 4).Append(text, 0, i)).Append('\'');
            result?.Append(text[i]);
        }
        return result?.ToString() ?? text;
    }

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
        // The header is ours, plain words as a rule: quoted only when it needs it; the rows' text always is.
        await writer.WriteAsync(string.Join(',', table.Columns.Select(c => CsvText(c.Header, alwaysQuote: false))) + "\r\n");
        var line = new StringBuilder();
        await foreach (var row in table.Rows.WithCancellation(ct))
        {
            line.Clear();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(CsvField(row[i], table.Columns[i].Kind));
            }
            await writer.WriteAsync(line.Append("\r\n"), ct);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>The text of a cell as a person reads it (the width estimate in Excel; CSV neutralises and quotes it).</summary>
    public static string Format(object? value, ColumnKind kind) => value switch
    {
        null => "",
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        IFormattable f when kind == ColumnKind.Number => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// One CSV field: numbers and dates as they are, text neutralised and always quoted, so a semicolon, comma or line
    /// break inside it never separates cells, whichever separator the spreadsheet assumes.
    /// </summary>
    public static string CsvField(object? value, ColumnKind kind) => value switch
    {
        null => "",
        DateTimeOffset => Format(value, kind),
        IFormattable when kind == ColumnKind.Number => Format(value, kind),
        _ => CsvText(Format(value, kind), alwaysQuote: true),
    };

    /// <summary>Neutralised text, quoted when asked or when it holds a separator of either kind, a quote or a line break.</summary>
    private static string CsvText(string text, bool alwaysQuote)
    {
        text = Neutralise(text);
        return alwaysQuote || text.AsSpan().ContainsAny(NeedsQuotes) ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}

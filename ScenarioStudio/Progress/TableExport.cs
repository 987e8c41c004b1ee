using System.Globalization;
using System.Text;
using ClosedXML.Excel;

namespace ScenarioStudio.Progress;

/// <summary>A dashboard table ready to export: typed columns and rows of values.</summary>
public sealed record ExportTable(string Name, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<object?[]> Rows);

public enum ColumnKind { Text, Number, Date }

public sealed record ExportColumn(string Header, ColumnKind Kind = ColumnKind.Text);

/// <summary>
/// Writes tables as CSV and Excel. Text cells that a spreadsheet would run as a formula (starting with = + - @,
/// tab, carriage return or NUL) are neutralised with a leading apostrophe in both formats.
/// </summary>
public static class TableExport
{
    private static readonly char[] Dangerous = ['=', '+', '-', '@', '\t', '\r', '\0'];

    public static string Neutralise(string text) => text.Length > 0 && Dangerous.Contains(text[0]) ? "'" + text : text;

    public static byte[] ToCsv(ExportTable table)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', table.Columns.Select(c => Quote(Neutralise(c.Header)))).Append("\r\n");
        foreach (var row in table.Rows)
        {
            csv.AppendJoin(',', row.Select((value, i) => Quote(Format(value, table.Columns[i].Kind)))).Append("\r\n");
        }
        // UTF-8 with a byte-order mark, so Excel opens accented names correctly.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    public static byte[] ToExcel(ExportTable table)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(SheetName(table.Name));
        for (var c = 0; c < table.Columns.Count; c++)
        {
            var cell = sheet.Cell(1, c + 1);
            cell.Value = Neutralise(table.Columns[c].Header);
            cell.Style.Font.Bold = true;
        }
        for (var r = 0; r < table.Rows.Count; r++)
        {
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                switch (table.Rows[r][c])
                {
                    case null: break;
                    case int or long or double or decimal:
                        cell.Value = Convert.ToDouble(table.Rows[r][c], CultureInfo.InvariantCulture);
                        break;
                    case DateTimeOffset d:
                        cell.Value = d.UtcDateTime;
                        cell.Style.DateFormat.Format = "yyyy-mm-dd hh:mm";
                        break;
                    case var other:
                        // Set as text explicitly: ClosedXML must never read a leading '=' as a formula.
                        cell.SetValue(Neutralise(Convert.ToString(other, CultureInfo.InvariantCulture) ?? ""));
                        cell.DataType = XLDataType.Text;
                        break;
                }
            }
        }
        var used = sheet.Range(1, 1, Math.Max(1, table.Rows.Count + 1), table.Columns.Count);
        used.SetAutoFilter();
        sheet.SheetView.FreezeRows(1);
        sheet.Columns().AdjustToContents();
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Format(object? value, ColumnKind kind) => value switch
    {
        null => "",
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        IFormattable f when kind == ColumnKind.Number => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Neutralise(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static string SheetName(string name) => new string(name.Where(c => !"[]:*?/\\".Contains(c)).ToArray()) is { Length: > 0 } n ? n[..Math.Min(31, n.Length)] : "Export";
}

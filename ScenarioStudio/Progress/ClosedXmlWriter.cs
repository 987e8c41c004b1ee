using System.Globalization;
using ClosedXML.Excel;

namespace ScenarioStudio.Progress;

/// <summary>
/// Writes a dashboard-sized table as an .xlsx workbook through ClosedXML: a bold, frozen header with an autofilter,
/// numbers and dates as typed cells, text set explicitly as text (never a formula, no apostrophe), columns fitted to their content
/// (up to a limit, past which text wraps).
/// ClosedXML holds the whole workbook in memory, so <see cref="TableExport"/> sends only small tables here.
/// </summary>
public static class ClosedXmlWriter
{
    public static void Write(string name, IReadOnlyList<ExportColumn> columns, IReadOnlyList<object?[]> rows, Stream output)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(XlsxWriter.SheetName(name));
        for (var c = 0; c < columns.Count; c++)
        {
            var cell = sheet.Cell(1, c + 1);
            SetText(cell, columns[c].Header);
            cell.Style.Font.Bold = true;
        }
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                switch (rows[r][c])
                {
                    case null:
                        break;
                    case int or long or double or decimal or float:
                        cell.Value = Convert.ToDouble(rows[r][c], CultureInfo.InvariantCulture);
                        break;
                    case DateTimeOffset d:
                        cell.Value = d.UtcDateTime;
                        cell.Style.DateFormat.Format = "yyyy-mm-dd hh:mm";
                        break;
                    case var other:
                        SetText(cell, Convert.ToString(other, CultureInfo.InvariantCulture) ?? "");
                        break;
                }
            }
        }
        sheet.Range(1, 1, rows.Count + 1, columns.Count).SetAutoFilter();
        sheet.SheetView.FreezeRows(1);
        sheet.Columns().AdjustToContents();
        // As wide as the content up to the streaming writer's limit; longer text (an answer, a long title) wraps there.
        foreach (var column in sheet.ColumnsUsed().Where(c => c.Width > XlsxWriter.MaxColumnWidth))
        {
            column.Width = XlsxWriter.MaxColumnWidth;
            column.Style.Alignment.WrapText = true;
        }
        workbook.SaveAs(output);
    }

    /// <summary>
    /// A text cell: typed as text, so a leading '=' is shown, never run; format "@" and the quote prefix (Excel's own
    /// record of a typed apostrophe, not part of the value) keep it text when someone edits the cell.
    /// </summary>
    private static void SetText(IXLCell cell, string text)
    {
        cell.SetValue(text);
        cell.DataType = XLDataType.Text;
        cell.Style.NumberFormat.Format = "@";
        cell.Style.IncludeQuotePrefix = true;
    }
}

using System.Globalization;
using ClosedXML.Excel;

namespace ScenarioStudio.Progress;

/// <summary>
/// Writes a dashboard-sized table as an .xlsx workbook through ClosedXML: a bold, frozen header with an autofilter,
/// numbers and dates as typed cells, text set explicitly as text (never a formula), columns fitted to their content.
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
            cell.SetValue(TableExport.Neutralise(columns[c].Header));
            cell.DataType = XLDataType.Text;
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
                        // Set as text explicitly: ClosedXML must never read a leading '=' as a formula.
                        cell.SetValue(TableExport.Neutralise(Convert.ToString(other, CultureInfo.InvariantCulture) ?? ""));
                        cell.DataType = XLDataType.Text;
                        break;
                }
            }
        }
        sheet.Range(1, 1, rows.Count + 1, columns.Count).SetAutoFilter();
        sheet.SheetView.FreezeRows(1);
        sheet.Columns().AdjustToContents();
        workbook.SaveAs(output);
    }
}

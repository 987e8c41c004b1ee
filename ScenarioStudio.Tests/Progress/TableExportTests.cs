using System.Text;
using ClosedXML.Excel;
using ScenarioStudio.Progress;

namespace ScenarioStudio.Tests.Progress;

public sealed class TableExportTests
{
    private static readonly string[] Attacks = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "\0Nul"];

    private static ExportTable Table() => new("Learners",
        [new("Learner"), new("Score", ColumnKind.Number), new("Last practised", ColumnKind.Date)],
        Attacks.Select((a, i) => new object?[] { a, 50 + i, new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero) })
            .Append(["Zoë, \"the\" learner", 90, null]).ToList());

    private static async Task<byte[]> WriteAsync(ExportTable table, ExportFormat format)
    {
        using var stream = new MemoryStream();
        await TableExport.WriteAsync(table, format, stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task Csv_cells_that_start_a_formula_are_neutralised_and_read_back_as_text()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(Table(), ExportFormat.Csv)).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Learner,Score,Last practised", lines[0]);
        // Each attack row starts with the apostrophe, quoted where the cell holds a comma, quote or line break.
        Assert.StartsWith("\"'=HYPERLINK(", lines[1]);
        Assert.StartsWith("'+1+1,51,", lines[2]);
        Assert.StartsWith("'-2+3,52,", lines[3]);
        Assert.StartsWith("'@SUM(A1),53,", lines[4]);
        Assert.StartsWith("'\tTab,54", lines[5]);
        Assert.Contains("\"'\rReturn\"", text);
        Assert.Contains("'\0Nul,56", text);
        Assert.Contains("\"Zoë, \"\"the\"\" learner\",90,", text);
        Assert.Contains("2026-11-01 09:00", text);
    }

    [Fact]
    public async Task Excel_has_a_bold_frozen_filtered_header_typed_columns_and_no_formulas()
    {
        using var workbook = new XLWorkbook(new MemoryStream(await WriteAsync(Table(), ExportFormat.Excel)));
        var sheet = workbook.Worksheet("Learners");
        Assert.True(sheet.Cell(1, 1).Style.Font.Bold);
        Assert.Equal(1, sheet.SheetView.SplitRow);
        Assert.True(sheet.AutoFilter.IsEnabled);
        for (var r = 2; r <= Attacks.Length + 1; r++)
        {
            var cell = sheet.Cell(r, 1);
            Assert.False(cell.HasFormula, $"row {r} became a formula");
            Assert.Equal(XLDataType.Text, cell.DataType);
            Assert.StartsWith("'", cell.GetString());
        }
        Assert.Equal(XLDataType.Number, sheet.Cell(2, 2).DataType);
        Assert.Equal(50, sheet.Cell(2, 2).GetDouble());
        Assert.Equal(XLDataType.DateTime, sheet.Cell(2, 3).DataType);
        Assert.Equal("Zoë, \"the\" learner", sheet.Cell(Attacks.Length + 2, 1).GetString());
    }

    [Fact]
    public async Task A_table_longer_than_closedxml_handles_streams_with_the_same_header_types_and_neutralising()
    {
        var count = TableExport.ClosedXmlRowLimit + 10;
        var at = new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero);
        var table = new ExportTable("Sessions: all", [new("Learner"), new("Score", ColumnKind.Number), new("Started", ColumnKind.Date)],
            Enumerable.Range(0, count).Select(i => new object?[] { i == count - 1 ? "=1+1" : $"Learner {i}", i % 100, at.AddMinutes(i) }));

        using var workbook = new XLWorkbook(new MemoryStream(await WriteAsync(table, ExportFormat.Excel)));
        var sheet = workbook.Worksheet("Sessions all");
        Assert.Equal(count + 1, sheet.LastRowUsed().RowNumber());
        Assert.True(sheet.Cell(1, 1).Style.Font.Bold);
        Assert.Equal(1, sheet.SheetView.SplitRow);
        Assert.True(sheet.AutoFilter.IsEnabled);
        Assert.Equal("Learner 0", sheet.Cell(2, 1).GetString());
        Assert.Equal(XLDataType.Number, sheet.Cell(3, 2).DataType);
        Assert.Equal(1, sheet.Cell(3, 2).GetDouble());
        Assert.Equal(XLDataType.DateTime, sheet.Cell(3, 3).DataType);
        Assert.Equal(at.AddMinutes(1).UtcDateTime, sheet.Cell(3, 3).GetDateTime(), TimeSpan.FromSeconds(1));
        var last = sheet.Cell(count + 1, 1);
        Assert.False(last.HasFormula);
        Assert.Equal((XLDataType.Text, "'=1+1"), (last.DataType, last.GetString()));
    }
}


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
    public async Task Csv_text_is_quoted_and_cells_that_start_a_formula_are_neutralised()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(Table(), ExportFormat.Csv)).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Learner,Score,Last practised", lines[0]); // plain headers need no quotes
        // Each attack starts with the apostrophe; the rows' text is always quoted; numbers and dates are not.
        Assert.StartsWith("\"'=HYPERLINK(", lines[1]);
        Assert.StartsWith("\"'+1+1\",51,", lines[2]);
        Assert.StartsWith("\"'-2+3\",52,", lines[3]);
        Assert.StartsWith("\"'@SUM(A1)\",53,", lines[4]);
        Assert.StartsWith("\"'\tTab\",54", lines[5]);
        Assert.Contains("\"'\rReturn\"", text);
        Assert.Contains("\"'\0Nul\",56", text);
        Assert.Contains("\"Zoë, \"\"the\"\" learner\",90,", text);
        Assert.Contains("2026-11-01 09:00", text);
    }

    /// <summary>Text as a spreadsheet user in a semicolon locale might type it: no comma, so the old writer left it unquoted.</summary>
    private static readonly string[] SemicolonAttacks =
    [
        "Ann;=1+1;", "Bob;+1;-1;@SUM(A1)", "Cy;\t=1+1", "Di;\r=1+1", "Ed,=2+2", "Flo\n=3+3", "Gus;\"=1+1\"", "Hal,\";=1+1",
        "=cmd|' /C calc'!A0;x", "Ida; -5 apples", "José;Müller",
    ];

    [Fact]
    public async Task Csv_read_with_a_comma_or_a_semicolon_as_separator_has_no_cell_that_starts_a_formula()
    {
        var table = new ExportTable("Learners;=1+1", [new("Learner"), new("Team;=HYPERLINK(1)"), new("Score", ColumnKind.Number)],
            SemicolonAttacks.Select((a, i) => new object?[] { a, "Team " + a, -i }).ToList());
        var text = Encoding.UTF8.GetString(await WriteAsync(table, ExportFormat.Csv)).TrimStart('\uFEFF');

        foreach (var separator in new[] { ',', ';' })
        {
            var cells = Csv.Parse(text, separator).SelectMany(row => row).ToList();
            Assert.All(cells, cell => Assert.False(StartsFormula(cell), $"'{cell}' starts a formula when read with '{separator}'"));
            // A reader that splits on the separator and ignores quotes altogether (the crudest import) fares no worse.
            var naive = text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None).SelectMany(l => l.Split(separator)).Select(c => c.TrimStart('"'));
            Assert.All(naive, cell => Assert.False(StartsFormula(cell), $"'{cell}' starts a formula when split on '{separator}'"));
        }

        // Read as the file is meant (comma-separated), every row has its three cells and the text reads back whole.
        var rows = Csv.Parse(text, ',');
        Assert.Equal(SemicolonAttacks.Length + 1, rows.Count);
        Assert.All(rows, row => Assert.Equal(3, row.Count));
        Assert.Equal("Ann;'=1+1;", rows[1][0]);
        Assert.Equal("José;Müller", rows[^1][0]);
        Assert.Equal("Team;'=HYPERLINK(1)", rows[0][1]);
        Assert.Equal("-1", rows[2][2]); // a negative number is a number, not neutralised text
    }

    private static bool StartsFormula(string cell) => cell.Length > 0 && "=+-@\t\r".Contains(cell[0]) && !IsNumber(cell);

    private static bool IsNumber(string cell) => double.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// A CSV reader as a spreadsheet has one: a field that opens with a quote runs to its closing quote ("" is a quote),
    /// anything after that up to the separator is appended as it is; a quote inside an unquoted field is a character.
    /// </summary>
    private static class Csv
    {
        public static List<List<string>> Parse(string text, char separator)
        {
            var rows = new List<List<string>>();
            var row = new List<string>();
            var cell = new StringBuilder();
            bool quoted = false, fieldStart = true;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c != '"') cell.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"') cell.Append(text[++i]);
                    else quoted = false;
                    continue;
                }
                if (fieldStart && c == '"')
                {
                    quoted = true;
                    fieldStart = false;
                }
                else if (c == separator)
                {
                    row.Add(cell.ToString());
                    cell.Clear();
                    fieldStart = true;
                }
                else if (c is '\r' or '\n')
                {
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    row.Add(cell.ToString());
                    rows.Add(row);
                    (row, fieldStart) = ([], true);
                    cell.Clear();
                }
                else
                {
                    cell.Append(c);
                    fieldStart = false;
                }
            }
            if (cell.Length > 0 || row.Count > 0) rows.Add([.. row, cell.ToString()]);
            return rows;
        }
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
            // A typed text cell is never run: it shows the value as written, with no apostrophe in front.
            var cell = sheet.Cell(r, 1);
            Assert.False(cell.HasFormula, $"row {r} became a formula");
            Assert.Equal(XLDataType.Text, cell.DataType);
            // (XML cannot carry NUL, and reading it back turns a lone carriage return into a line feed.)
            Assert.Equal(Attacks[r - 2].Replace("\0", "").Replace('\r', '\n'), cell.GetString().Replace("\0", ""));
            AssertStaysText(cell);
        }
        AssertStaysText(sheet.Cell(1, 1));
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
        Assert.Equal((XLDataType.Text, "=1+1"), (last.DataType, last.GetString()));
        AssertStaysText(last);
        AssertStaysText(sheet.Cell(1, 1));
    }

    /// <summary>Text format and the quote prefix: editing the cell in Excel keeps it text.</summary>
    private static void AssertStaysText(IXLCell cell)
    {
        Assert.True(cell.Style.IncludeQuotePrefix, $"{cell.Address} has no quote prefix");
        Assert.True(cell.Style.NumberFormat.NumberFormatId == 49 || cell.Style.NumberFormat.Format == "@", $"{cell.Address} is not text-formatted");
    }
}


using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Xml;

namespace ScenarioStudio.Progress;

/// <summary>
/// Streams a table into an .xlsx workbook (SpreadsheetML in a zip, one sheet): a bold, frozen header row with an
/// autofilter, numbers and dates as typed cells, text as inline strings, column widths fitted to the first rows.
/// Rows are written as they arrive, so memory stays flat however long the table is. ClosedXML 0.95.4 holds the whole
/// workbook in memory (measured here: 100,000 rows x 15 columns took 15 s and 1.4 GB), which is why tables longer
/// than <see cref="TableExport.ClosedXmlRowLimit"/> come here; the tests read every export back with ClosedXML.
/// Writes synchronously: give it a file or memory stream, not a response body.
/// </summary>
public static class XlsxWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const int WidthSampleRows = 200;
    /// <summary>The widest a column is made, in characters (ClosedXmlWriter keeps to it too).</summary>
    internal const int MaxColumnWidth = 60;
    private const int HeaderStyle = 1, DateStyle = 2, TextStyle = 3;

    public static Task WriteAsync(ExportTable table, Stream output, CancellationToken ct = default) => WriteAsync([table], output, ct);

    /// <summary>
    /// A workbook of several sheets, in order, the first one selected. Every part carries the same fixed date, so the
    /// same tables give the same bytes (scenario exports are compared file to file and kept in version control).
    /// </summary>
    public static async Task WriteAsync(IReadOnlyList<ExportTable> tables, Stream output, CancellationToken ct = default)
    {
        var names = UniqueSheetNames(tables);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Part(zip, "[Content_Types].xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" +
            """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">""" +
            """<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>""" +
            """<Default Extension="xml" ContentType="application/xml"/>""" +
            """<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""" +
            string.Concat(tables.Select((_, i) => $"""<Override PartName="/xl/worksheets/sheet{i + 1}.xml" """ +
                """ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""")) +
            """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""" +
            """</Types>""");
        Part(zip, "_rels/.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" +
            """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""" +
            """<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>""" +
            """</Relationships>""");
        Part(zip, "xl/_rels/workbook.xml.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" +
            """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""" +
            string.Concat(tables.Select((_, i) => $"""<Relationship Id="rId{i + 1}" """ +
                """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" """ +
                $"""Target="worksheets/sheet{i + 1}.xml"/>""")) +
            $"""<Relationship Id="rId{tables.Count + 1}" """ +
            """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""" +
            """</Relationships>""");
        // Cell formats: 0 normal, 1 bold text (header), 2 date and time, 3 text. Text is format 49 ("@") with the quote
        // prefix, Excel's own record of a typed apostrophe: a value starting with '=' stays text when someone edits it.
        Part(zip, "xl/styles.xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" +
            """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""" +
            """<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>""" +
            """<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>""" +
            """<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>""" +
            """<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>""" +
            """<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>""" +
            """<cellXfs count="4">""" +
            """<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>""" +
            """<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1" quotePrefix="1"/>""" +
            """<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>""" +
            """<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>""" +
            """</cellXfs></styleSheet>""");

        var rowCounts = new List<int>();
        for (var i = 0; i < tables.Count; i++) rowCounts.Add(await WriteSheetAsync(zip, tables[i], i + 1, ct));

        var sheets = new StringBuilder();
        var filters = new StringBuilder();
        for (var i = 0; i < tables.Count; i++)
        {
            sheets.Append($"""<sheet name="{SecurityElement.Escape(names[i])}" sheetId="{i + 1}" r:id="rId{i + 1}"/>""");
            var quoted = "'" + names[i].Replace("'", "''") + "'";
            filters.Append($"""<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">""" +
                $"""{SecurityElement.Escape(quoted)}!$A$1:${ColumnName(tables[i].Columns.Count)}${rowCounts[i] + 1}</definedName>""");
        }
        Part(zip, "xl/workbook.xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" +
            """<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" """ +
            """xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">""" +
            $"""<sheets>{sheets}</sheets><definedNames>{filters}</definedNames></workbook>""");
    }

    /// <summary>Sheet names as Excel allows them (31 characters, no []:*?/\), each used once.</summary>
    private static List<string> UniqueSheetNames(IReadOnlyList<ExportTable> tables)
    {
        var names = new List<string>();
        foreach (var table in tables)
        {
            var name = SheetName(table.Name);
            for (var n = 2; names.Contains(name, StringComparer.OrdinalIgnoreCase); n++)
                name = SheetName($"{table.Name[..Math.Min(27, table.Name.Length)]} {n}");
            names.Add(name);
        }
        return names;
    }

    private static async Task<int> WriteSheetAsync(ZipArchive zip, ExportTable table, int number, CancellationToken ct)
    {
        var columns = table.Columns;
        await using var rows = table.Rows.WithCancellation(ct).GetAsyncEnumerator();

        // Column widths come from the header and the first rows, read ahead before the sheet starts.
        var sample = new List<object?[]>();
        var more = true;
        while (sample.Count < WidthSampleRows && (more = await rows.MoveNextAsync())) sample.Add(rows.Current);
        var widths = columns.Select((c, i) => Math.Clamp(
            sample.Select(r => TableExport.Format(r[i], c.Kind).Length).Append(c.Header.Length + 3).Max() * 1.15 + 2, 8, MaxColumnWidth)).ToList();

        await using var stream = await Entry(zip, $"xl/worksheets/sheet{number}.xml").OpenAsync(ct);
        using var x = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CheckCharacters = true });
        x.WriteStartDocument(standalone: true);
        x.WriteStartElement("worksheet", Main);
        x.WriteRaw($"""<sheetViews><sheetView{(number == 1 ? " tabSelected=\"1\"" : "")} workbookViewId="0">""" +
            """<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>""" +
            """<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>""");
        x.WriteStartElement("cols", Main);
        for (var i = 0; i < columns.Count; i++)
        {
            x.WriteStartElement("col", Main);
            x.WriteAttributeString("min", Number(i + 1));
            x.WriteAttributeString("max", Number(i + 1));
            x.WriteAttributeString("width", widths[i].ToString("0.##", CultureInfo.InvariantCulture));
            x.WriteAttributeString("customWidth", "1");
            x.WriteEndElement();
        }
        x.WriteEndElement();

        x.WriteStartElement("sheetData", Main);
        x.WriteStartElement("row", Main);
        x.WriteAttributeString("r", "1");
        for (var i = 0; i < columns.Count; i++) TextCell(x, $"{ColumnName(i + 1)}1", columns[i].Header, HeaderStyle);
        x.WriteEndElement();

        var count = 0;
        foreach (var row in sample) WriteRow(x, columns, row, ++count + 1);
        while (more && await rows.MoveNextAsync()) WriteRow(x, columns, rows.Current, ++count + 1);
        x.WriteEndElement(); // sheetData

        x.WriteStartElement("autoFilter", Main);
        x.WriteAttributeString("ref", $"A1:{ColumnName(columns.Count)}{count + 1}");
        x.WriteEndElement();
        x.WriteEndElement(); // worksheet
        x.WriteEndDocument();
        return count;
    }

    private static void WriteRow(XmlWriter x, IReadOnlyList<ExportColumn> columns, object?[] row, int number)
    {
        x.WriteStartElement("row", Main);
        x.WriteAttributeString("r", Number(number));
        for (var i = 0; i < columns.Count; i++)
        {
            // Every cell carries its reference: readers that count cells without one disagree about empty ones.
            var reference = ColumnName(i + 1) + Number(number);
            switch (row[i])
            {
                case null:
                    break;
                case int or long or double or decimal or float:
                    x.WriteStartElement("c", Main);
                    x.WriteAttributeString("r", reference);
                    x.WriteElementString("v", Main, Convert.ToDouble(row[i], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                    x.WriteEndElement();
                    break;
                case DateTimeOffset d:
                    x.WriteStartElement("c", Main);
                    x.WriteAttributeString("r", reference);
                    x.WriteAttributeString("s", Number(DateStyle));
                    x.WriteElementString("v", Main, d.UtcDateTime.ToOADate().ToString("R", CultureInfo.InvariantCulture));
                    x.WriteEndElement();
                    break;
                case var other:
                    TextCell(x, reference, Convert.ToString(other, CultureInfo.InvariantCulture) ?? "", TextStyle);
                    break;
            }
        }
        x.WriteEndElement();
    }

    /// <summary>A text cell (inline string, never a formula, shown as written); characters XML cannot carry are dropped.</summary>
    private static void TextCell(XmlWriter x, string reference, string text, int style)
    {
        x.WriteStartElement("c", Main);
        x.WriteAttributeString("r", reference);
        x.WriteAttributeString("t", "inlineStr");
        if (style != 0) x.WriteAttributeString("s", Number(style));
        x.WriteStartElement("is", Main);
        x.WriteStartElement("t", Main);
        var clean = XmlSafe(text);
        if (clean.Length > 0 && (char.IsWhiteSpace(clean[0]) || char.IsWhiteSpace(clean[^1])))
            x.WriteAttributeString("xml", "space", null, "preserve");
        x.WriteString(clean);
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
    }

    /// <summary>The text without the characters XML cannot carry (control characters a paste may bring).</summary>
    internal static string XmlSafe(string text)
    {
        foreach (var c in text)
        {
            if (!XmlConvert.IsXmlChar(c) && !char.IsSurrogate(c))
                return new string(text.Where(ch => XmlConvert.IsXmlChar(ch) || char.IsSurrogate(ch)).ToArray());
        }
        return text;
    }

    private static void Part(ZipArchive zip, string name, string xml)
    {
        using var stream = Entry(zip, name).Open();
        var bytes = Encoding.UTF8.GetBytes(xml.Trim());
        stream.Write(bytes);
    }

    /// <summary>A part dated 1 January 1980 (the zip format's first day) whenever it is written.</summary>
    private static ZipArchiveEntry Entry(ZipArchive zip, string name)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return entry;
    }

    /// <summary>A1-style column letters: 1 → A, 27 → AA.</summary>
    public static string ColumnName(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26) name = (char)('A' + (number - 1) % 26) + name;
        return name;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string SheetName(string name) =>
        new string(name.Where(c => !"[]:*?/\\".Contains(c)).ToArray()).Trim('\'') is { Length: > 0 } n ? n[..Math.Min(31, n.Length)] : "Export";
}

using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using ScenarioStudio.Progress;

namespace ScenarioStudio.Scenarios.Transfer;

/// <summary>
/// Reads the scenario workbook (<see cref="ScenarioSheets"/>) straight from its XML parts, row by row: shared strings,
/// inline strings, rich text, numbers (dates are numbers), booleans, and formulas, which are taken as their text and
/// never evaluated. Whatever program saved it (Excel, LibreOffice Calc, ClosedXML), blank rows between blocks and
/// columns in any order are fine. Before a part is read, the zip's declared sizes are checked, and while it is read,
/// what it really unpacks to is counted: a zip bomb is refused either way. XML DTDs are refused (no entity tricks).
/// </summary>
internal static partial class XlsxScenarioReader
{
    private const int MaxParts = 1000, MaxColumns = 200;

    public static void Read(ParsedFile parsed, ReadOnlyMemory<byte> content, TransferLimits limits, IProgress<double>? progress)
    {
        try
        {
            ReadBook(parsed, content, limits, progress);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            // .NET unpacks no more of a part than it declares, so a part that lies about its size ends up here too.
            throw new FileRefusedException($"This workbook is damaged and cannot be read ({e.Message.TrimEnd('.')}). Save it again as .xlsx and retry.");
        }
    }

    private static void ReadBook(ParsedFile parsed, ReadOnlyMemory<byte> content, TransferLimits limits, IProgress<double>? progress)
    {
        using var zip = Open(content);
        if (zip.Entries.Count > MaxParts) throw new FileRefusedException($"This workbook has {zip.Entries.Count:N0} parts; a scenario workbook has about ten.");
        var declared = zip.Entries.Sum(e => e.Length);
        if (declared > limits.MaxUnpackedBytes)
            throw Bomb($"declares {ScenarioFileReader.Megabytes(declared)} once unpacked");
        var budget = new Budget(limits.MaxUnpackedBytes);
        var parts = zip.Entries.GroupBy(e => e.FullName.TrimStart('/'), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(),
            StringComparer.OrdinalIgnoreCase);
        var (sheets, sharedPart) = Sheets(parts, budget);
        var shared = sharedPart is not null && parts.TryGetValue(sharedPart, out var sharedEntry) ? SharedStrings(sharedEntry, budget) : [];

        var book = new Book(parsed, sheets, parts, shared, budget, limits);
        book.ReadAll(progress);
    }

    private static ZipArchive Open(ReadOnlyMemory<byte> content)
    {
        try
        {
            return new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            throw new FileRefusedException("This workbook is damaged and cannot be opened. Save it again as .xlsx and retry.");
        }
    }

    private static FileRefusedException Bomb(string what) =>
        new($"This workbook {what}, more than a scenario workbook ever needs: refused as a possible zip bomb.");

    /// <summary>The workbook's sheets by name (their part paths), and the shared strings part.</summary>
    private static (Dictionary<string, string> Sheets, string? SharedStrings) Sheets(Dictionary<string, ZipArchiveEntry> parts, Budget budget)
    {
        if (!parts.TryGetValue("xl/workbook.xml", out var workbook))
            throw new FileRefusedException("This .xlsx holds no workbook: save it again from Excel or LibreOffice Calc.");
        var targets = new Dictionary<string, string>();
        string? shared = null;
        if (parts.TryGetValue("xl/_rels/workbook.xml.rels", out var rels))
        {
            using var reader = Xml(rels, budget);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Relationship") continue;
                var target = reader.GetAttribute("Target") ?? "";
                target = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
                if (reader.GetAttribute("Type")?.EndsWith("/sharedStrings", StringComparison.Ordinal) == true) shared = target;
                if (reader.GetAttribute("Id") is { } id) targets[id] = target;
            }
        }
        var sheets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using (var reader = Xml(workbook, budget))
        {
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "sheet") continue;
                var id = reader.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
                if (reader.GetAttribute("name") is { } name && id is not null && targets.TryGetValue(id, out var target)) sheets.TryAdd(name.Trim(), target);
            }
        }
        return (sheets, shared ?? (parts.ContainsKey("xl/sharedStrings.xml") ? "xl/sharedStrings.xml" : null));
    }

    private static List<string> SharedStrings(ZipArchiveEntry entry, Budget budget)
    {
        var strings = new List<string>();
        var text = new StringBuilder();
        var (inT, inPhonetic) = (false, false);
        using var reader = Xml(entry, budget);
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.LocalName == "si") text.Clear();
                    else if (reader.LocalName == "t") inT = !reader.IsEmptyElement;
                    else if (reader.LocalName == "rPh") inPhonetic = !reader.IsEmptyElement;
                    if (reader.LocalName == "si" && reader.IsEmptyElement) strings.Add("");
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace or XmlNodeType.CDATA:
                    if (inT && !inPhonetic) text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    if (reader.LocalName == "t") inT = false;
                    else if (reader.LocalName == "rPh") inPhonetic = false;
                    else if (reader.LocalName == "si") strings.Add(Unescape(text.ToString()));
                    break;
            }
        }
        return strings;
    }

    /// <summary>A part's XML, its unpacked bytes counted against the budget; DTDs refused, nothing resolved.</summary>
    private static XmlReader Xml(ZipArchiveEntry entry, Budget budget) =>
        XmlReader.Create(new CountingStream(entry.Open(), budget, entry.Length), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
            CheckCharacters = false, CloseInput = true,
        });

    /// <summary>OOXML writes characters XML cannot carry as _xHHHH_ (a carriage return is _x000D_).</summary>
    private static string Unescape(string text) =>
        text.Contains("_x", StringComparison.Ordinal) ? Escaped().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString()) : text;

    [GeneratedRegex("_x([0-9A-Fa-f]{4})_")]
    private static partial Regex Escaped();

    /// <summary>One row as read: its number and its cells' text by column (1-based; missing cells are null).</summary>
    private sealed record SheetRow(int Number, string?[] Cells)
    {
        public string Cell(int column) => column < Cells.Length ? Cells[column] ?? "" : "";
        public bool IsBlank => Cells.All(c => string.IsNullOrWhiteSpace(c));
    }

    /// <summary>Every row of a sheet, streamed.</summary>
    private static IEnumerable<SheetRow> Rows(ZipArchiveEntry entry, Budget budget, IReadOnlyList<string> shared)
    {
        using var reader = Xml(entry, budget);
        var cells = new string?[MaxColumns + 1];
        var (rowNumber, column, maxColumn) = (0, 0, 0);
        string? type = null;
        var (value, formula, inline) = (new StringBuilder(), new StringBuilder(), new StringBuilder());
        var (inV, inF, inIs, inT, inPhonetic, hasFormula) = (false, false, false, false, false, false);
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    switch (reader.LocalName)
                    {
                        case "row":
                            rowNumber = int.TryParse(reader.GetAttribute("r"), out var r) ? r : rowNumber + 1;
                            Array.Clear(cells);
                            (column, maxColumn) = (0, 0);
                            if (reader.IsEmptyElement) yield return new SheetRow(rowNumber, []);
                            break;
                        case "c":
                            column = reader.GetAttribute("r") is { } reference ? ColumnOf(reference) : column + 1;
                            type = reader.GetAttribute("t");
                            value.Clear();
                            formula.Clear();
                            inline.Clear();
                            hasFormula = false;
                            break;
                        case "v": inV = !reader.IsEmptyElement; break;
                        case "f":
                            hasFormula = true;
                            inF = !reader.IsEmptyElement;
                            break;
                        case "is": inIs = !reader.IsEmptyElement; break;
                        case "t": inT = !reader.IsEmptyElement; break;
                        case "rPh": inPhonetic = !reader.IsEmptyElement; break;
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace or XmlNodeType.CDATA:
                    if (inV) value.Append(reader.Value);
                    else if (inF) formula.Append(reader.Value);
                    else if (inIs && inT && !inPhonetic) inline.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    switch (reader.LocalName)
                    {
                        case "v": inV = false; break;
                        case "f": inF = false; break;
                        case "is": inIs = false; break;
                        case "t": inT = false; break;
                        case "rPh": inPhonetic = false; break;
                        case "c":
                            if (column is >= 1 and <= MaxColumns)
                            {
                                cells[column] = CellText(type, value.ToString(), hasFormula ? formula.ToString() : null, inline.ToString(), shared);
                                maxColumn = Math.Max(maxColumn, column);
                            }
                            break;
                        case "row":
                            yield return new SheetRow(rowNumber, cells[..(maxColumn + 1)]);
                            break;
                    }
                    break;
            }
        }
    }

    /// <summary>
    /// A cell's text. A formula is its text ("=SUM(A1:A3)"), never its result; a formula that only repeats one above
    /// it (a shared formula) keeps the value the saving program stored.
    /// </summary>
    private static string CellText(string? type, string value, string? formula, string inline, IReadOnlyList<string> shared)
    {
        if (!string.IsNullOrEmpty(formula)) return "=" + formula;
        return type switch
        {
            "s" => int.TryParse(value, out var index) && index >= 0 && index < shared.Count ? shared[index] : "",
            "inlineStr" => Unescape(inline),
            "b" => value.Trim() == "1" ? "TRUE" : "FALSE",
            "str" => Unescape(value),
            _ => value.Trim(),
        };
    }

    /// <summary>"AB12" → 28.</summary>
    private static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            column = column * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
            if (column > MaxColumns) return MaxColumns + 1;
        }
        return column;
    }

    /// <summary>The bytes every part of the workbook may unpack to, all parts together.</summary>
    private sealed class Budget(long limit)
    {
        private long used;

        public void Spend(int bytes)
        {
            used += bytes;
            if (used > limit) throw Bomb($"unpacks to more than {ScenarioFileReader.Megabytes(limit)}");
        }
    }

    /// <summary>Counts what a part really unpacks to: more than it declared, or more than the budget, is a zip bomb.</summary>
    private sealed class CountingStream(Stream inner, Budget budget, long declared) : Stream
    {
        private long read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            read += n;
            if (read > declared) throw Bomb("has a part that unpacks to more than it declares");
            budget.Spend(n);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The workbook's sheets turned into scenarios, with the row and column of every field for the problems.</summary>
    private sealed class Book(ParsedFile parsed, Dictionary<string, string> sheets, Dictionary<string, ZipArchiveEntry> parts,
        List<string> shared, Budget budget, TransferLimits limits)
    {
        private readonly Dictionary<string, Dictionary<string, int>> headers = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, int> bySlug = [];
        private readonly List<int> scenarioRows = [];
        private readonly List<List<int>> phaseRows = [], rubricRows = [], knowledgeRows = [], cardRows = [];
        private readonly List<List<List<int>>> testCaseRows = [];

        public void ReadAll(IProgress<double>? progress)
        {
            if (!sheets.ContainsKey(ScenarioSheets.Scenarios))
                throw new FileRefusedException($"This workbook has no “{ScenarioSheets.Scenarios}” sheet. Export a scenario to see the layout, " +
                    "or read the README sheet of an export.");
            foreach (var row in Read(ScenarioSheets.ScenarioSheet, limits.MaxScenarios, tooMany: ScenarioFileReader.TooMany))
            {
                var slug = row.Value.Slug.Trim();
                if (bySlug.TryGetValue(slug, out var first))
                {
                    Problem(ScenarioSheets.Scenarios, "slug", row.Number,
                        $"the slug “{slug}” is on row {scenarioRows[first]} too; each scenario needs its own.");
                    continue;
                }
                bySlug[slug] = parsed.Scenarios.Count;
                parsed.Scenarios.Add(row.Value);
                scenarioRows.Add(row.Number);
                foreach (var list in new[] { phaseRows, rubricRows, knowledgeRows, cardRows }) list.Add([]);
                testCaseRows.Add([]);
            }
            progress?.Report(0.2);
            var maxChildren = limits.MaxScenarios * ScenarioValidator.MaxPhases;

            var phases = Children(ScenarioSheets.PhaseSheet, maxChildren).ToList();
            foreach (var group in phases.GroupBy(p => p.Scenario))
            {
                foreach (var (row, _) in Ordered(ScenarioSheets.Phases, group))
                {
                    parsed.Scenarios[group.Key].Phases.Add(row.Value);
                    phaseRows[group.Key].Add(row.Number);
                    testCaseRows[group.Key].Add([]);
                }
            }
            progress?.Report(0.5);
            foreach (var group in Children(ScenarioSheets.TestCaseSheet, maxChildren * ScenarioValidator.MaxTestCases)
                         .GroupBy(c => (c.Scenario, Phase: c.Keys[0])))
            {
                var doc = parsed.Scenarios[group.Key.Scenario];
                var phaseIndex = PhaseIndex(group.Key.Scenario, group.Key.Phase);
                if (phaseIndex is null)
                {
                    foreach (var c in group)
                        Problem(ScenarioSheets.TestCases, ScenarioSheets.PhaseKey, c.Row.Number, $"scenario “{doc.Slug}” has no phase {group.Key.Phase}.");
                    continue;
                }
                foreach (var (row, _) in Ordered(ScenarioSheets.TestCases, group.Select(c => (c.Scenario, c.Row, Keys: c.Keys[1..]))))
                {
                    doc.Phases[phaseIndex.Value].TestCases.Add(row.Value);
                    testCaseRows[group.Key.Scenario][phaseIndex.Value].Add(row.Number);
                }
            }
            progress?.Report(0.7);
            foreach (var group in Children(ScenarioSheets.RubricSheet, maxChildren).GroupBy(c => c.Scenario))
            {
                foreach (var (row, _) in Ordered(ScenarioSheets.Rubric, group))
                {
                    parsed.Scenarios[group.Key].Rubric.Add(row.Value);
                    rubricRows[group.Key].Add(row.Number);
                }
            }
            foreach (var group in Children(ScenarioSheets.KnowledgeSheet, maxChildren).GroupBy(c => c.Scenario))
            {
                foreach (var (row, _) in Ordered(ScenarioSheets.Knowledge, group))
                {
                    parsed.Scenarios[group.Key].Context.KnowledgeBase.Add(row.Value);
                    knowledgeRows[group.Key].Add(row.Number);
                }
            }
            foreach (var group in Children(ScenarioSheets.CardSheet, maxChildren).GroupBy(c => (c.Scenario, Kind: c.Kind)))
            {
                var context = parsed.Scenarios[group.Key.Scenario].Context;
                var list = group.Key.Kind == ScenarioSheets.TicketCard ? context.TicketFields : context.VerificationFacts;
                foreach (var (row, _) in Ordered(ScenarioSheets.Cards, group.Select(c => (c.Scenario, c.Row, c.Keys))))
                {
                    list.Add(row.Value);
                    cardRows[group.Key.Scenario].Add(row.Number);
                }
            }
            progress?.Report(0.9);
            parsed.Places = keys => keys.Select(k => Place(k.Scenario, k.Key)).ToList();
        }

        private int? PhaseIndex(int scenario, int phaseOrder)
        {
            // Phases were added in their order; the n-th order number given is the n-th phase.
            var orders = phaseOrders.GetValueOrDefault(scenario);
            var index = orders?.IndexOf(phaseOrder) ?? -1;
            return index >= 0 ? index : null;
        }

        private readonly Dictionary<int, List<int>> phaseOrders = [];

        /// <summary>The rows of a child sheet whose scenario exists, with their order keys (and card kind).</summary>
        private IEnumerable<(int Scenario, SheetItem<T> Row, int[] Keys, string Kind)> Children<T>(SheetLayout<T> layout, int max) where T : new()
        {
            var keys = ScenarioSheets.KeysOf(layout.Name);
            foreach (var row in Read(layout, max, tooMany: (count, _) => new FileRefusedException(
                         $"The {layout.Name} sheet has more than {max:N0} rows: split the file into smaller ones.")))
            {
                var slug = row.Keys[0].Trim();
                if (!bySlug.TryGetValue(slug, out var scenario))
                {
                    if (slug.Length > 0 || row.Keys.Skip(1).Any(k => k.Length > 0))
                        Problem(layout.Name, ScenarioSheets.ScenarioKey, row.Number,
                            $"no scenario with the slug “{slug}” on the {ScenarioSheets.Scenarios} sheet.");
                    continue;
                }
                var numbers = new List<int>();
                var kind = "";
                var ok = true;
                for (var k = 1; k < keys.Count; k++)
                {
                    var text = row.Keys[k].Trim();
                    if (keys[k].Header == ScenarioSheets.CardKindKey)
                    {
                        kind = text.ToLowerInvariant();
                        if (kind is not (ScenarioSheets.TicketCard or ScenarioSheets.VerificationCard))
                        {
                            Problem(layout.Name, keys[k].Header, row.Number, $"write {ScenarioSheets.TicketCard} or {ScenarioSheets.VerificationCard}.");
                            ok = false;
                        }
                        continue;
                    }
                    if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n)
                        && n == Math.Floor(n) && n is >= 1 and <= 10_000)
                        numbers.Add((int)n);
                    else
                    {
                        Problem(layout.Name, keys[k].Header, row.Number, $"{keys[k].Header} must be a whole number from 1 (read “{text}”).");
                        ok = false;
                    }
                }
                if (!ok) continue;
                if (layout.Name == ScenarioSheets.Phases)
                {
                    if (!phaseOrders.TryGetValue(scenario, out var list)) phaseOrders[scenario] = list = [];
                    list.Add(numbers[0]);
                }
                yield return (scenario, row, numbers.ToArray(), kind);
            }
            // Phase order numbers are kept in the order the phases are sorted into.
            if (layout.Name == ScenarioSheets.Phases)
                foreach (var list in phaseOrders.Values) list.Sort();
        }

        /// <summary>The rows of one scenario sorted by their order number; a number given twice is a problem.</summary>
        private IEnumerable<(SheetItem<T> Row, int Order)> Ordered<T>(string sheet,
            IEnumerable<(int Scenario, SheetItem<T> Row, int[] Keys, string Kind)> rows) =>
            Ordered(sheet, rows.Select(r => (r.Scenario, r.Row, r.Keys)));

        private IEnumerable<(SheetItem<T> Row, int Order)> Ordered<T>(string sheet, IEnumerable<(int Scenario, SheetItem<T> Row, int[] Keys)> rows)
        {
            var seen = new Dictionary<int, int>();
            foreach (var (_, row, keys) in rows.OrderBy(r => r.Keys[^1]).ThenBy(r => r.Row.Number))
            {
                var order = keys[^1];
                if (seen.TryGetValue(order, out var other))
                {
                    Problem(sheet, ScenarioSheets.OrderKey, row.Number, $"order {order} is on row {other} too, for the same scenario.");
                    continue;
                }
                seen[order] = row.Number;
                yield return (row, order);
            }
        }

        private sealed record SheetItem<T>(int Number, T Value, string[] Keys);

        /// <summary>A sheet's data rows as <typeparamref name="T"/> (cells the columns refuse are problems), with the key cells' text.</summary>
        private IEnumerable<SheetItem<T>> Read<T>(SheetLayout<T> layout, int max, Func<int, TransferLimits, FileRefusedException> tooMany) where T : new()
        {
            if (!sheets.TryGetValue(layout.Name, out var path) || !parts.TryGetValue(path, out var entry)) yield break;
            var keyHeaders = ScenarioSheets.KeysOf(layout.Name).Select(k => k.Header).ToList();
            Dictionary<string, int>? columns = null;
            var count = 0;
            foreach (var row in Rows(entry, budget, shared))
            {
                if (row.IsBlank) continue;
                if (columns is null)
                {
                    columns = Header(layout, keyHeaders, row);
                    headers[layout.Name] = columns;
                    if (!keyHeaders.All(columns.ContainsKey) || (layout.Name == ScenarioSheets.Scenarios && !columns.ContainsKey("slug"))) yield break;
                    continue;
                }
                if (++count > max) throw tooMany(count, limits);
                var item = new T();
                foreach (var column in layout.Columns)
                {
                    if (!columns.TryGetValue(column.Header, out var at)) continue;
                    if (column.Read(item, row.Cell(at)) is { } problem) Problem(layout.Name, column.Header, row.Number, $"{column.Header}: {problem}");
                }
                yield return new SheetItem<T>(row.Number, item, keyHeaders.Select(h => row.Cell(columns[h])).ToArray());
            }
        }

        private Dictionary<string, int> Header<T>(SheetLayout<T> layout, List<string> keyHeaders, SheetRow row)
        {
            var known = keyHeaders.Concat(layout.Columns.Select(c => c.Header)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var canonical = known.ToDictionary(h => h, StringComparer.OrdinalIgnoreCase);
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var c = 1; c < row.Cells.Length; c++)
            {
                var header = (row.Cells[c] ?? "").Trim();
                if (header.Length == 0) continue;
                if (!canonical.TryGetValue(header, out var name))
                    parsed.Problems.Add(new ImportProblem($"{layout.Name}!{XlsxWriter.ColumnName(c)}{row.Number}",
                        $"unknown column “{header}”; the README sheet of an export lists the columns."));
                else if (!columns.TryAdd(name, c))
                    parsed.Problems.Add(new ImportProblem($"{layout.Name}!{XlsxWriter.ColumnName(c)}{row.Number}",
                        $"the column “{header}” appears twice."));
            }
            foreach (var missing in keyHeaders.Append(layout.Name == ScenarioSheets.Scenarios ? "slug" : keyHeaders[0]).Distinct()
                         .Where(h => !columns.ContainsKey(h)))
                parsed.Problems.Add(new ImportProblem($"{layout.Name}!{row.Number}:{row.Number}", $"the header row has no “{missing}” column."));
            return columns;
        }

        private void Problem(string sheet, string header, int row, string message) =>
            parsed.Problems.Add(new ImportProblem(Cell(sheet, header, row), message));

        private string Cell(string sheet, string header, int row) =>
            headers.TryGetValue(sheet, out var columns) && columns.TryGetValue(header, out var c)
                ? $"{sheet}!{XlsxWriter.ColumnName(c)}{row}" : $"{sheet}!{row}:{row}";

        /// <summary>Where field <paramref name="key"/> (a validator key) of scenario <paramref name="s"/> is in the workbook.</summary>
        private string Place(int s, string key)
        {
            if (PhaseField().Match(key) is { Success: true } phase)
            {
                var p = int.Parse(phase.Groups[1].Value);
                var rest = ParsedFile.ToPath(phase.Groups[3].Value);
                if (phase.Groups[2].Success)
                {
                    var t = int.Parse(phase.Groups[2].Value);
                    if (p < testCaseRows[s].Count && t < testCaseRows[s][p].Count)
                        return Cell(ScenarioSheets.TestCases, rest.Length > 0 ? rest : ScenarioSheets.OrderKey, testCaseRows[s][p][t]);
                }
                if (p < phaseRows[s].Count) return Cell(ScenarioSheets.Phases, rest.Length > 0 ? rest : ScenarioSheets.OrderKey, phaseRows[s][p]);
            }
            if (RubricField().Match(key) is { Success: true } rubric)
            {
                var r = int.Parse(rubric.Groups[1].Value);
                if (r < rubricRows[s].Count)
                    return Cell(ScenarioSheets.Rubric, rubric.Groups[2].Success ? ParsedFile.ToPath(rubric.Groups[2].Value) : "name", rubricRows[s][r]);
            }
            if (key == "Rubric" && rubricRows[s].Count > 0) return Cell(ScenarioSheets.Rubric, "weight", rubricRows[s][0]);
            if (key == "Context.KnowledgeBase" && knowledgeRows[s].Count > 0) return Cell(ScenarioSheets.Knowledge, "body", knowledgeRows[s][0]);
            if (key == "Context" && cardRows[s].Count > 0) return Cell(ScenarioSheets.Cards, "value", cardRows[s][0]);
            var path = ParsedFile.ToPath(key);
            var columns = headers.GetValueOrDefault(ScenarioSheets.Scenarios) ?? [];
            var header = columns.ContainsKey(path) ? path
                : columns.Keys.FirstOrDefault(h => h.StartsWith(path + ".", StringComparison.OrdinalIgnoreCase)) ?? "slug";
            return Cell(ScenarioSheets.Scenarios, header, scenarioRows[s]);
        }
    }

    [GeneratedRegex(@"^Phases\[(\d+)\](?:\.TestCases\[(\d+)\])?(?:\.(.+))?$")]
    private static partial Regex PhaseField();

    [GeneratedRegex(@"^Rubric\[(\d+)\](?:\.(.+))?$")]
    private static partial Regex RubricField();
}

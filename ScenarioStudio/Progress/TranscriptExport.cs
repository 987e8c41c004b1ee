using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using ScenarioStudio.Practice;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace ScenarioStudio.Progress;

/// <summary>One learner answer and the coach's kept assessment of it (none when the scores never arrived).</summary>
public sealed record ScoredAnswer(int PhaseIndex, MessageKind Kind, string Text, Assessment? Assessment);

/// <summary>
/// One practice session for a manager to keep or pass on: the transcript as a Word document (title, summary, then each
/// phase's conversation with the coach's scores, feedback and better version) and its scores as a table for Excel.
/// Everything the learner, the customer's persona or the coach wrote goes in as plain text runs, never as markup or fields.
/// </summary>
public static class TranscriptExport
{
    public const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>Each learner answer in order, with the assessment the coach kept for it.</summary>
    public static IReadOnlyList<ScoredAnswer> Answers(SessionView view)
    {
        var answers = new List<ScoredAnswer>();
        foreach (var m in view.Messages.OrderBy(m => m.Sequence))
        {
            if (m.Speaker == Speaker.Learner) answers.Add(new ScoredAnswer(m.PhaseIndex, m.Kind, m.Text, null));
            else if (m is { Speaker: Speaker.Coach, Assessment: { } assessment, Stopped: false } && answers is [.., { Assessment: null } last])
                answers[^1] = last with { Assessment = assessment };
        }
        return answers;
    }

    /// <summary>The session's scores, one row per answer: phase, first try or repeat, the answer, its score and each criterion's.</summary>
    public static ExportTable ScoresTable(SessionView view)
    {
        var criteria = view.Scenario.Rubric.Select(c => c.Name).ToList();
        var columns = new List<ExportColumn>
        {
            new("Phase", ColumnKind.Number), new("Phase name"), new("Attempt"), new("Answer"), new("Score", ColumnKind.Number), new("Objective met"),
        };
        columns.AddRange(criteria.Select(c => new ExportColumn(c, ColumnKind.Number)));
        var rows = Answers(view).Select(a => new object?[]
        {
            a.PhaseIndex + 1, PhaseName(view, a.PhaseIndex), a.Kind == MessageKind.Repeat ? "Repeat" : "First try", a.Text, a.Assessment?.Overall,
            a.Assessment is null ? null : a.Assessment.ObjectiveMet ? "Yes" : "No",
        }.Concat(criteria.Select(c => (object?)a.Assessment?.Criteria.FirstOrDefault(x => x.Name == c)?.Score)).ToArray());
        return new ExportTable("Scores", columns, rows.ToList());
    }

    /// <summary>A file name for the session: learner, scenario and the day it started, in letters, digits and dashes.</summary>
    public static string FileName(SessionView view) =>
        $"{Slug(view.LearnerName)}-{Slug(view.ScenarioTitle)}-{view.StartedAt.UtcDateTime:yyyy-MM-dd}".Trim('-');

    public static void WriteDocx(SessionView view, Stream output)
    {
        using var document = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document);
        document.PackageProperties.Title = XlsxWriter.XmlSafe($"{view.ScenarioTitle}: {view.LearnerName}");
        document.PackageProperties.Creator = "ScenarioStudio";
        var main = document.AddMainDocumentPart();
        main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
        var body = new W.Body();

        body.Append(Paragraph("Title", [Run(view.ScenarioTitle)]));
        body.Append(Labelled("Learner", view.LearnerName));
        body.Append(Labelled("Started", Time(view.StartedAt)));
        body.Append(view.CompletedAt is { } completed
            ? Labelled("Completed", Time(completed))
            : Labelled("Status", $"in progress, phase {view.PhaseIndex + 1} of {view.Scenario.Phases.Count}"));
        if (view.Stage == SessionStage.Completed)
        {
            var summary = PracticeSummary.Build(view);
            body.Append(Labelled("Session score", $"{summary.Overall}/100 (the phases' first tries) · {summary.XpEarned} XP earned"));
            AppendSummary(body, summary);
        }
        AppendTranscript(body, view);

        // A4 with 2 cm margins.
        body.Append(new W.SectionProperties(new W.PageSize { Width = 11906U, Height = 16838U },
            new W.PageMargin { Top = 1134, Right = 1134U, Bottom = 1134, Left = 1134U, Header = 709U, Footer = 709U, Gutter = 0U }));
        main.Document = new W.Document(body);
        main.Document.Save();
    }

    private static void AppendSummary(W.Body body, SessionSummary summary)
    {
        body.Append(Paragraph("Heading1", [Run("Summary")]));
        body.Append(Table(["Phase", "Outcome", "First try", "Repeat"], summary.Phases.Select(p => new[]
        {
            p.Name, p.Outcome.ToString(), p.FirstScore?.ToString(CultureInfo.InvariantCulture) ?? "–",
            (p.RepeatScore?.ToString(CultureInfo.InvariantCulture) ?? "–") + (p.RepeatCopied ? " (copied the better version)" : ""),
        }), [4, 1.5, 1.5, 3]));
        body.Append(Paragraph("Heading2", [Run("Per criterion (first tries)")]));
        body.Append(Table(["Criterion", "Weight", "Average"], summary.Criteria.Select(c => new[]
        {
            c.Name, c.Weight.ToString(CultureInfo.InvariantCulture), c.Average.ToString(CultureInfo.InvariantCulture),
        }), [4, 1.5, 1.5]));
        body.Append(Paragraph("Heading2", [Run("What to practise next")]));
        foreach (var next in summary.PractiseNext) body.Append(Paragraph("Bullet", [Run("• " + next)]));
    }

    private static void AppendTranscript(W.Body body, SessionView view)
    {
        body.Append(Paragraph("Heading1", [Run("Transcript")]));
        var firstTries = PracticeSummary.FirstTries(view.Messages);
        var customer = string.IsNullOrWhiteSpace(view.Scenario.Persona.Name) ? "Customer" : view.Scenario.Persona.Name;
        foreach (var phase in view.Messages.OrderBy(m => m.Sequence).GroupBy(m => m.PhaseIndex))
        {
            var outcome = view.Outcomes.ElementAtOrDefault(phase.Key) switch
            {
                PhaseOutcome.Met => "objective met", PhaseOutcome.Missed => "objective missed", _ => "in progress",
            };
            body.Append(Paragraph("Heading2", [Run($"Phase {phase.Key + 1}: {PhaseName(view, phase.Key)} ({outcome})")]));
            foreach (var m in phase)
            {
                switch (m.Speaker)
                {
                    case Speaker.Customer:
                        body.Append(Paragraph("Line", [Bold(customer + ": "), Run(m.Text), .. Stopped(m)]));
                        break;
                    case Speaker.Learner:
                        var who = view.LearnerName + (m.Kind == MessageKind.Repeat ? " (repeat)" : "");
                        body.Append(Paragraph("Line", [Bold(who + ": "), Run(m.Text)]));
                        break;
                    case Speaker.Coach when m.Assessment is { } a && !m.Stopped:
                        AppendAssessment(body, a, firstTries.GetValueOrDefault(m.Id));
                        break;
                    default:
                        // Feedback cut off before its scores: what the coach had said, marked.
                        body.Append(Paragraph("Line", [Bold("Coach: "), Run(m.Text), .. Stopped(m)]));
                        break;
                }
            }
        }
    }

    private static void AppendAssessment(W.Body body, Assessment a, Assessment? firstTry)
    {
        var verdict = $"{a.Overall}/100" + (firstTry is null ? "" : $" (first try {firstTry.Overall}/100)") +
            (a.ObjectiveMet ? " · objective met" : " · objective not yet met") + (a.CopiedBetterVersion ? " · copied the better version" : "");
        body.Append(Paragraph("Line", [Bold("Coach: "), Run(verdict)]));
        if (a.WentWell.Count > 0) body.Append(Paragraph("Feedback", [Bold("What went well: "), Run(string.Join(" ", a.WentWell))]));
        if (a.ToImprove.Count > 0) body.Append(Paragraph("Feedback", [Bold("To improve: "), Run(string.Join(" ", a.ToImprove))]));
        if (!string.IsNullOrWhiteSpace(a.BetterVersion))
            body.Append(Paragraph("Feedback", [Bold("Better version: "), Run(a.BetterVersion.Trim(), italic: true)]));
        if (a.Criteria.Count > 0)
            body.Append(Table(["Criterion", "Score", "Evidence"],
                a.Criteria.Select(c => new[] { c.Name, c.Score.ToString(CultureInfo.InvariantCulture), c.Evidence }), [3, 1, 7], FeedbackIndent));
    }

    private static string PhaseName(SessionView view, int index) => index < view.Scenario.Phases.Count ? view.Scenario.Phases[index].Name : "";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static W.Paragraph Labelled(string label, string value) => Paragraph("Meta", [Bold(label + ": "), Run(value)]);

    private static IEnumerable<W.Run> Stopped(PracticeMessage m) => m.Stopped ? [Run(" [stopped]", italic: true)] : [];

    private static W.Paragraph Paragraph(string style, IEnumerable<OpenXmlElement> runs)
    {
        var paragraph = new W.Paragraph(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
        paragraph.Append(runs);
        return paragraph;
    }

    private static W.Run Bold(string text) => Run(text, bold: true);

    /// <summary>
    /// Text as a run of plain text: a line break becomes a break, a tab a tab, and characters XML cannot carry are
    /// dropped. Nothing in it is read as markup, a field or a style.
    /// </summary>
    private static W.Run Run(string text, bool bold = false, bool italic = false)
    {
        var run = new W.Run();
        if (bold || italic)
        {
            var properties = new W.RunProperties();
            if (bold) properties.Append(new W.Bold());
            if (italic) properties.Append(new W.Italic());
            run.Append(properties);
        }
        var lines = XlsxWriter.XmlSafe(text).ReplaceLineEndings("\n").Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            if (l > 0) run.Append(new W.Break());
            var pieces = lines[l].Split('\t');
            for (var p = 0; p < pieces.Length; p++)
            {
                if (p > 0) run.Append(new W.TabChar());
                if (pieces[p].Length > 0) run.Append(new W.Text(pieces[p]) { Space = SpaceProcessingModeValues.Preserve });
            }
        }
        return run;
    }

    /// <summary>The width between A4's 2 cm margins, in twentieths of a point.</summary>
    private const int TextWidth = 11906 - 2 * 1134;

    /// <summary>Feedback and its scores sit indented under the coach's verdict.</summary>
    private const int FeedbackIndent = 360;

    /// <summary>A table with a shaded header row (repeated on each page); <paramref name="widths"/> are the columns' shares of the width.</summary>
    private static W.Table Table(IReadOnlyList<string> headers, IEnumerable<string[]> rows, double[] widths, int indent = 0)
    {
        static W.BorderType Line<T>() where T : W.BorderType, new() => new T { Val = W.BorderValues.Single, Size = 4U, Color = "BFC5CD" };
        var columns = widths.Select(w => (int)(w / widths.Sum() * (TextWidth - indent))).ToArray();
        var table = new W.Table(new W.TableProperties(
            new W.TableWidth { Width = columns.Sum().ToString(CultureInfo.InvariantCulture), Type = W.TableWidthUnitValues.Dxa },
            new W.TableIndentation { Width = indent, Type = W.TableWidthUnitValues.Dxa },
            new W.TableBorders(Line<W.TopBorder>(), Line<W.LeftBorder>(), Line<W.BottomBorder>(), Line<W.RightBorder>(),
                Line<W.InsideHorizontalBorder>(), Line<W.InsideVerticalBorder>()),
            new W.TableLayout { Type = W.TableLayoutValues.Fixed },
            new W.TableCellMarginDefault(new W.TopMargin { Width = "40", Type = W.TableWidthUnitValues.Dxa },
                new W.TableCellLeftMargin { Width = 80, Type = W.TableWidthValues.Dxa },
                new W.BottomMargin { Width = "40", Type = W.TableWidthUnitValues.Dxa },
                new W.TableCellRightMargin { Width = 80, Type = W.TableWidthValues.Dxa })));
        table.Append(new W.TableGrid(columns.Select(w => new W.GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) })));
        var head = new W.TableRow(new W.TableRowProperties(new W.TableHeader()));
        head.Append(headers.Select((h, c) => Cell([Bold(h)], columns[c], shaded: true)));
        table.Append(head);
        foreach (var row in rows)
        {
            var tr = new W.TableRow();
            tr.Append(row.Select((value, c) => Cell([Run(value)], columns[c], shaded: false)));
            table.Append(tr);
        }
        return table;
    }

    private static W.TableCell Cell(IEnumerable<W.Run> runs, int width, bool shaded)
    {
        var properties = new W.TableCellProperties(new W.TableCellWidth
        {
            Width = width.ToString(CultureInfo.InvariantCulture), Type = W.TableWidthUnitValues.Dxa,
        });
        if (shaded) properties.Append(new W.Shading { Val = W.ShadingPatternValues.Clear, Color = "auto", Fill = "EEF1F5" });
        var cell = new W.TableCell(properties);
        cell.Append(Paragraph("Cell", runs));
        return cell;
    }

    /// <summary>
    /// Calibri 11; a title, two heading levels (Word's own names, so they show in its navigation pane), and the body's paragraph kinds.
    /// </summary>
    private static W.Styles Styles()
    {
        var styles = new W.Styles(new W.DocDefaults(
            new W.RunPropertiesDefault(new W.RunPropertiesBaseStyle(
                new W.RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", EastAsia = "Calibri", ComplexScript = "Calibri" },
                new W.FontSize { Val = "22" }, new W.FontSizeComplexScript { Val = "22" }, new W.Languages { Val = "en-GB" })),
            new W.ParagraphPropertiesDefault(new W.ParagraphPropertiesBaseStyle(
                new W.SpacingBetweenLines { After = "80", Line = "264", LineRule = W.LineSpacingRuleValues.Auto }))));
        styles.Append(Style("Normal", "Normal", null, null, isDefault: true));
        styles.Append(Style("Title", "Title", new W.SpacingBetweenLines { After = "160" }, new W.StyleRunProperties(new W.Bold(),
            new W.Color { Val = "1F2937" }, new W.FontSize { Val = "40" })));
        styles.Append(Style("Heading1", "heading 1", new W.SpacingBetweenLines { Before = "360", After = "120" }, new W.StyleRunProperties(new W.Bold(),
            new W.Color { Val = "1F3A5F" }, new W.FontSize { Val = "30" }), outlineLevel: 0));
        styles.Append(Style("Heading2", "heading 2", new W.SpacingBetweenLines { Before = "280", After = "80" }, new W.StyleRunProperties(new W.Bold(),
            new W.Color { Val = "1F3A5F" }, new W.FontSize { Val = "25" }), outlineLevel: 1));
        styles.Append(Style("Meta", "Session detail", new W.SpacingBetweenLines { After = "20" }, null));
        styles.Append(Style("Line", "Transcript line", new W.SpacingBetweenLines { Before = "120", After = "40" }, null));
        styles.Append(Style("Feedback", "Coach feedback", new W.SpacingBetweenLines { After = "40" }, null, indent: FeedbackIndent));
        styles.Append(Style("Bullet", "Practise next", new W.SpacingBetweenLines { After = "40" }, null, indent: 240));
        styles.Append(Style("Cell", "Table text", new W.SpacingBetweenLines { After = "0" }, new W.StyleRunProperties(new W.FontSize { Val = "20" })));
        return styles;
    }

    private static W.Style Style(string id, string name, W.SpacingBetweenLines? spacing, W.StyleRunProperties? run, bool isDefault = false,
        int? outlineLevel = null, int? indent = null)
    {
        var style = new W.Style { Type = W.StyleValues.Paragraph, StyleId = id, CustomStyle = !isDefault && outlineLevel is null && id != "Title" };
        if (isDefault) style.Default = true;
        style.Append(new W.StyleName { Val = name });
        if (!isDefault) style.Append(new W.BasedOn { Val = "Normal" }, new W.NextParagraphStyle { Val = "Normal" });
        style.Append(new W.PrimaryStyle());
        var paragraph = new W.StyleParagraphProperties();
        if (outlineLevel is not null || id == "Title") paragraph.Append(new W.KeepNext());
        if (spacing is not null) paragraph.Append(spacing);
        if (indent is { } left) paragraph.Append(new W.Indentation { Left = left.ToString(CultureInfo.InvariantCulture) });
        if (outlineLevel is { } level) paragraph.Append(new W.OutlineLevel { Val = level });
        if (paragraph.HasChildren) style.Append(paragraph);
        if (run is not null) style.Append(run);
        return style;
    }

    private static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
            if (slug.Length >= 40) break;
        }
        return slug.ToString().Trim('-');
    }
}

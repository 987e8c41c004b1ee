using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig;

namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>
/// The text of an uploaded product sheet, policy, call script or price list, for a draft to be grounded in: PDF (PdfPig),
/// DOCX (Open XML SDK: the document body's text only, so nothing in the file runs), Markdown or plain text. The type is
/// taken from the content (its first bytes), and must match the name's extension; size, unpacked size and text are limited.
/// </summary>
public static class DraftDocuments
{
    public const int MaxBytes = 5 * 1024 * 1024;
    /// <summary>A DOCX's parts together, unpacked: a zip bomb is refused before it is read.</summary>
    public const long MaxUnpackedBytes = 50L * 1024 * 1024;
    public const int MaxPages = 200;
    public static readonly string[] Extensions = [".pdf", ".docx", ".md", ".markdown", ".txt"];
    public const string Accept = ".pdf,.docx,.md,.markdown,.txt";

    private enum Kind { Pdf, Docx, Text }

    /// <summary>The document's text (cut at <see cref="ScenarioDrafter.MaxSourceChars"/>); refuses with a message the creator can act on.</summary>
    public static SourceDocument Read(byte[] bytes, string fileName)
    {
        var name = Path.GetFileName(fileName);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (!Extensions.Contains(extension)) throw Refused($"“{name}” is not a PDF, DOCX, Markdown or text file.");
        if (bytes.Length > MaxBytes)
            throw Refused($"A document is at most {MaxBytes / 1024 / 1024} MB; “{name}” is {bytes.Length / 1024.0 / 1024:0.0} MB.");
        if (bytes.Length == 0) throw Refused($"“{name}” is empty.");
        var kind = Sniff(bytes);
        var expected = extension switch { ".pdf" => Kind.Pdf, ".docx" => Kind.Docx, _ => Kind.Text };
        if (kind != expected) throw Refused($"“{name}” is not what its name says: its content is {Describe(kind)}.");
        string text;
        try
        {
            text = kind switch { Kind.Pdf => Pdf(bytes), Kind.Docx => Docx(bytes), _ => Text(bytes) };
        }
        catch (ValidationFailedException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Refused($"“{name}” could not be read ({ex.Message.Split('.')[0]}). Save it again, or paste the text into a .txt file.");
        }
        text = Tidy(text);
        if (text.Length < 20) throw Refused($"“{name}” holds no text to draft from (a scanned PDF has only pictures of text).");
        var truncated = text.Length > ScenarioDrafter.MaxSourceChars;
        return new SourceDocument(name, truncated ? text[..ScenarioDrafter.MaxSourceChars] : text, truncated);
    }

    private static ValidationFailedException Refused(string message) => new("Document", message);

    private static Kind? Sniff(byte[] b)
    {
        if (b.Length >= 5 && b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F' && b[4] == '-') return Kind.Pdf;
        if (b.Length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) return Kind.Docx;
        return LooksLikeText(b) ? Kind.Text : null;
    }

    private static string Describe(Kind? kind) => kind switch
    {
        Kind.Pdf => "a PDF", Kind.Docx => "a zip (Office) file", Kind.Text => "plain text", _ => "binary data, not text",
    };

    /// <summary>UTF-8 (with or without a BOM) without NUL or other control characters than line breaks and tabs.</summary>
    private static bool LooksLikeText(byte[] b)
    {
        try
        {
            var s = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(b);
            return !s.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Text(byte[] b) => new UTF8Encoding(false, true).GetString(b).TrimStart('\uFEFF');

    private static string Pdf(byte[] b)
    {
        using var pdf = PdfDocument.Open(b);
        if (pdf.NumberOfPages > MaxPages) throw Refused($"A PDF of at most {MaxPages} pages, please (this one has {pdf.NumberOfPages}).");
        var text = new StringBuilder();
        foreach (var page in pdf.GetPages())
        {
            text.AppendLine(string.Join(" ", page.GetWords().Select(w => w.Text)));
            if (text.Length > ScenarioDrafter.MaxSourceChars * 2) break;
        }
        return text.ToString();
    }

    private static string Docx(byte[] b)
    {
        using (var zip = new ZipArchive(new MemoryStream(b), ZipArchiveMode.Read))
        {
            // The declared sizes bound what is unpacked: .NET's zip reader stops a part at its declared size, so a header that
            // understates a part cannot make it unpack more (DraftDocumentTests proves it).
            if (zip.Entries.Sum(e => e.Length) > MaxUnpackedBytes) throw Refused("The document unpacks to more than 50 MB: it is refused.");
            if (zip.GetEntry("word/document.xml") is null) throw Refused("The file is a zip, but not a Word document (DOCX).");
        }
        // Read-only, body text only: macros (a .docm's vbaProject) and embedded objects are never loaded, let alone run.
        using var doc = WordprocessingDocument.Open(new MemoryStream(b), false);
        var body = doc.MainDocumentPart?.Document?.Body;
        if (body is null) return "";
        return string.Join("\n", body.Descendants<Paragraph>().Select(p => p.InnerText));
    }

    /// <summary>Control characters out, runs of spaces and blank lines folded.</summary>
    private static string Tidy(string text)
    {
        var b = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = string.Join(' ', new string(raw.Where(c => !char.IsControl(c) || c == '\t').ToArray())
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            if (line.Length == 0 && ++blank > 1) continue;
            if (line.Length > 0) blank = 0;
            b.Append(line).Append('\n');
        }
        return b.ToString().Trim();
    }
}

using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Authoring;
using ScenarioStudio.Tests.Infrastructure;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ScenarioStudio.Tests.Scenarios.Authoring;

/// <summary>Drafts grounded in a PDF and a DOCX made here; uploads refused by content; offline drafts from the templates.</summary>
public sealed class DraftDocumentTests : OrganisationTestBase
{
    private const string PriceList = "Terminal Plus costs GBP 29 per month on a 12 month contract.";
    private const string Retention = "Retention offer: GBP 19 per month for three months, for customers of two years or more.";

    internal static byte[] Pdf(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        for (var i = 0; i < lines.Length; i++) page.AddText(lines[i], 11, new PdfPoint(50, 780 - 20 * i), font);
        return builder.Build();
    }

    internal static byte[] Docx(params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new Document(new Body(paragraphs.Select(p => new Paragraph(new Run(new Text(p))))));
        }
        return stream.ToArray();
    }

    private async Task<(List<DraftEvent> Events, string System)> DraftThroughProviderAsync(SourceDocument source)
    {
        await using var server = await LoopbackOpenAiServer.StartAsync();
        await using (var context = await db.OpenUnfilteredAsync())
        {
            context.AiSettings.Add(new OrganisationAiSettings
            {
                OrganisationId = org.Id, Provider = AiProvider.OpenAiCompatible, Endpoint = server.BaseUrl, Model = "m", TimeoutSeconds = 10,
            });
            await context.SaveChangesAsync();
        }
        DraftReplies.EnqueueValid(server);
        await using var scope = await db.AsAsync(org.ContentManager);
        var events = new List<DraftEvent>();
        await foreach (var e in scope.Get<ScenarioDrafter>().DraftAsync(Request(source))) events.Add(e);
        return (events, server.Requests.First().RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!);
    }

    private static DraftRequest Request(SourceDocument? source = null) => new()
    {
        Situation = "A café owner wants to cancel her card terminal contract after a price rise.", Domain = ScenarioDomain.Sales, Phases = 2,
        Source = source,
    };

    [Fact]
    public async Task A_pdf_price_list_grounds_the_draft()
    {
        var source = DraftDocuments.Read(Pdf(PriceList, Retention), "price-list.pdf");
        Assert.Contains("GBP 19 per month for three months", source.Text);

        var (events, system) = await DraftThroughProviderAsync(source);

        Assert.True(events[^1].Done);
        Assert.Contains("Source material: price-list.pdf", system);
        Assert.Contains("knowledge-base entries quote it", system);
        Assert.Contains(PriceList, system);
        Assert.Contains(Retention, system);
    }

    [Fact]
    public async Task A_docx_policy_grounds_the_draft()
    {
        var source = DraftDocuments.Read(Docx("Cancellation policy", PriceList, Retention), "policy.docx");
        Assert.Equal($"Cancellation policy\n{PriceList}\n{Retention}", source.Text);

        var (events, system) = await DraftThroughProviderAsync(source);

        Assert.True(events[^1].Done);
        Assert.Contains("Source material: policy.docx", system);
        Assert.Contains(Retention, system);
    }

    [Theory]
    [InlineData("notes.pdf", "plain text", "is not what its name says")]
    [InlineData("notes.docx", "plain text", "is not what its name says")]
    [InlineData("notes.exe", "plain text", "is not a PDF, DOCX, Markdown or text file")]
    [InlineData("notes.txt", "binary", "binary data, not text")]
    [InlineData("notes.txt", "pdf", "its content is a PDF")]
    [InlineData("scan.pdf", "empty pdf", "holds no text")]
    [InlineData("archive.docx", "zip", "not a Word document")]
    public void Uploads_are_checked_by_content(string name, string content, string message)
    {
        var bytes = content switch
        {
            "plain text" => Encoding.UTF8.GetBytes("Terminal Plus costs GBP 29 per month."),
            "binary" => [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00],
            "pdf" => Pdf(PriceList),
            "empty pdf" => Pdf(),
            _ => Zip(),
        };
        var ex = Assert.Throws<ValidationFailedException>(() => DraftDocuments.Read(bytes, name));
        Assert.Equal(["Document"], ex.Errors.Keys);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void A_docx_whose_headers_understate_a_part_unpacks_no_more_than_they_declare()
    {
        // A real Word document with a 60 MB part of zeros (60 KB packed), whose local and central headers then claim 1 KB.
        using var stream = new MemoryStream();
        stream.Write(Docx("Terminal Plus costs GBP 29 per month."));
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        using (var part = zip.CreateEntry("word/media/padding.bin", CompressionLevel.SmallestSize).Open())
            part.Write(new byte[60 * 1024 * 1024]);
        var bytes = stream.ToArray();
        Assert.True(bytes.Length < DraftDocuments.MaxBytes);
        var lied = 0;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            // The uncompressed size: at offset 22 of a local file header (PK\3\4), at offset 24 of a central directory header (PK\1\2).
            var offset = (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) switch
            {
                ((byte)'P', (byte)'K', 3, 4) => 22, ((byte)'P', (byte)'K', 1, 2) => 24, _ => -1,
            };
            if (offset < 0 || BitConverter.ToUInt32(bytes, i + offset) != 60 * 1024 * 1024) continue;
            BitConverter.GetBytes(1024u).CopyTo(bytes, i + offset);
            lied++;
        }
        Assert.Equal(2, lied);

        // The reader stops the part at its declared size: the 60 MB are never unpacked, and the document's text is read as usual.
        using (var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
        using (var part = zip.GetEntry("word/media/padding.bin")!.Open())
            Assert.Equal(1024, part.CopyToCounting());
        Assert.Equal("Terminal Plus costs GBP 29 per month.", DraftDocuments.Read(bytes, "policy.docx").Text);
        // Declared honestly, the same document is refused before anything is unpacked.
        var ex = Assert.Throws<ValidationFailedException>(() => DraftDocuments.Read(stream.ToArray(), "policy.docx"));
        Assert.Contains("unpacks to more than 50 MB", ex.Message);
    }

    private static byte[] Zip()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hello");
        return stream.ToArray();
    }

    [Fact]
    public void Markdown_is_read_as_text_and_a_long_document_is_cut_and_says_so()
    {
        var markdown = DraftDocuments.Read(Encoding.UTF8.GetBytes("\uFEFF# Prices\r\n\r\n\r\n\r\n- " + PriceList), "prices.md");
        Assert.Equal("# Prices\n\n- " + PriceList, markdown.Text);
        Assert.False(markdown.Truncated);

        var big = DraftDocuments.Read(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(PriceList + "\n", 1000))), "big.txt");
        Assert.True(big.Truncated);
        Assert.Equal(ScenarioDrafter.MaxSourceChars, big.Text.Length);

        var tooBig = new byte[DraftDocuments.MaxBytes + 1];
        Array.Fill(tooBig, (byte)'a');
        Assert.Contains("at most 5 MB", Assert.Throws<ValidationFailedException>(() => DraftDocuments.Read(tooBig, "huge.txt")).Message);
    }

    [Fact]
    public async Task Offline_the_closest_template_is_filled_with_the_forms_names_figures_and_document()
    {
        // No AI settings: the offline engine.
        await using var scope = await db.AsAsync(org.ContentManager);
        var request = new DraftRequest
        {
            Situation = "A guest arrives at the hotel reception to check in, but the room is not ready yet.", Domain = ScenarioDomain.Language,
            Phases = 3, CustomerName = "Lucía Gómez", CompanyName = "Hotel Miramar", Figures = "Late checkout costs 20 euros.",
            Source = DraftDocuments.Read(Docx("House rules", "Breakfast is served from 7 to 10."), "rules.docx"),
        };
        var events = new List<DraftEvent>();
        await foreach (var e in scope.Get<ScenarioDrafter>().DraftAsync(request)) events.Add(e);

        var done = events[^1];
        Assert.Contains("language-hotel-check-in", done.Message);
        Assert.Contains(TemplateDrafter.RicherNote, done.Message);
        var template = ScenarioLibrary.All.Single(t => t.Key == "language-hotel-check-in").Document;
        var draft = done.Draft;
        Assert.Equal("Lucía Gómez", draft.Persona.Name);
        Assert.DoesNotContain(template.Persona.Name, ScenarioJson.Serialize(draft));
        Assert.Equal($"{template.Title} (Hotel Miramar)", draft.Title);
        Assert.Contains(draft.Context.TicketFields, f => f is { Label: "Company", Value: "Hotel Miramar" });
        Assert.Contains(draft.Context.KnowledgeBase, k => k.Body == "Late checkout costs 20 euros.");
        Assert.Contains(draft.Context.KnowledgeBase, k => k.Title == "From rules.docx" && k.Body.Contains("Breakfast is served from 7 to 10."));
        Assert.Equal(Math.Min(3, template.Phases.Count), draft.Phases.Count);
        Assert.Empty(done.Errors);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(0, await check.AiCalls.CountAsync());
        Assert.Equal(0, await check.AiUsage.CountAsync());
    }
}

internal static class StreamCounting
{
    /// <summary>Reads the stream to its end and returns how many bytes it gave.</summary>
    public static long CopyToCounting(this Stream stream)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = stream.Read(buffer)) > 0;) total += n;
        return total;
    }
}

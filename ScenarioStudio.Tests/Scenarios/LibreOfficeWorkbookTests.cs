using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Transfer;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>
/// Workbooks saved by LibreOffice Calc (installed by .ci/run as libreoffice-calc-nogui): shared strings, numbers as
/// numbers, its own part layout. Made here with <c>soffice --headless --convert-to xlsx</c>.
/// </summary>
public sealed class LibreOfficeWorkbookTests : OrganisationTestBase
{
    [Fact]
    public async Task A_workbook_saved_again_by_Calc_reads_as_the_same_scenarios()
    {
        var docs = new[] { ScenarioTransferTests.Small("Calc one"), ScenarioTransferTests.Small("Calc two") }.ToList();
        docs[0].Phases[0].IdealResponse = "First line.\nSecond line, with “quotes” and é.";
        docs[1].Persona.Age = 57;
        var original = await ScenarioFileWriter.ToBytesAsync(docs, TransferFormat.Xlsx);
        var saved = await Convert(original, "library.xlsx", "xlsx:Calc MS Excel 2007 XML");
        using (var zip = new ZipArchive(new MemoryStream(saved)))
            Assert.Contains(zip.Entries, e => e.FullName == "xl/sharedStrings.xml");

        var before = ScenarioFileReader.Read(original, "a.xlsx", new TransferLimits());
        var after = ScenarioFileReader.Read(saved, "b.xlsx", new TransferLimits());
        Assert.Empty(after.Problems);
        Assert.Equal(ScenarioJson.Serialize(before.Scenarios), ScenarioJson.Serialize(after.Scenarios));
    }

    [Fact]
    public async Task A_scenarios_sheet_converted_from_a_csv_with_a_bom_and_crlf_is_read_and_its_problems_placed()
    {
        var csv = "\uFEFFslug,title,domain,category,difficulty,xpReward,persona.name\r\n" +
                  "calc-csv-one,Made in a spreadsheet,sales,Objection handling,beginner,150,Priya\r\n";
        var xlsx = await Convert(Encoding.UTF8.GetBytes(csv), "Scenarios.csv", "xlsx", "CSV:44,34,76,1");
        await using var scope = await db.AsAsync(org.ContentManager);
        var plan = await scope.Get<ScenarioTransfer>().DryRunAsync(xlsx, "Scenarios.xlsx");

        Assert.Equal(1, plan.Creates);
        Assert.Equal("Made in a spreadsheet", plan.Items[0].Title);
        // No Phases or Rubric sheet: the scenario's row is where its missing phases and rubric are reported.
        Assert.Contains(plan.Problems, p => p.Place == "Scenarios!A2" && p.Message.Contains("2 to 6 phases"));
        Assert.Contains(plan.Problems, p => p.Place == "Scenarios!A2" && p.Message.Contains("rubric needs"));
        var parsed = ScenarioFileReader.Read(xlsx, "Scenarios.xlsx", new TransferLimits());
        Assert.Equal(150, parsed.Scenarios[0].XpReward);
    }

    /// <summary>The file converted by LibreOffice in a profile of its own; the converted file's bytes.</summary>
    private static async Task<byte[]> Convert(byte[] content, string name, string convertTo, string? inFilter = null)
    {
        var dir = Directory.CreateTempSubdirectory("calc-");
        try
        {
            var input = Path.Combine(dir.FullName, name);
            await File.WriteAllBytesAsync(input, content);
            var output = Path.Combine(dir.FullName, "out");
            var start = new ProcessStartInfo("soffice")
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
                ArgumentList = { $"-env:UserInstallation=file://{dir.FullName}/profile", "--headless", "--convert-to", convertTo, "--outdir", output },
            };
            if (inFilter is not null) start.ArgumentList.Add($"--infilter={inFilter}");
            start.ArgumentList.Add(input);
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var log = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var converted = Path.Combine(output, Path.GetFileNameWithoutExtension(name) + ".xlsx");
            Assert.True(File.Exists(converted), $"soffice wrote nothing: {log} {errors}");
            return await File.ReadAllBytesAsync(converted);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

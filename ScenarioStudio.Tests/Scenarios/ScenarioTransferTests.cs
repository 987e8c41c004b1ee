using System.IO.Compression;
using System.Text;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Transfer;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Export and import of scenarios as JSON, YAML and Excel: round trips, dry runs, all-or-nothing, places of problems (issue 16).</summary>
public sealed class ScenarioTransferTests : OrganisationTestBase
{
    private async Task<T> As<T>(ApplicationUser user, Func<ScenarioTransfer, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope.Get<ScenarioTransfer>());
    }

    private async Task SeedLibraryAsync(TestOrganisation into)
    {
        await using var context = await db.OpenUnfilteredAsync();
        await db.Services.GetRequiredService<ScenarioLibrary>().SeedAsync(context, into.Id, into.Admin.Id);
    }

    private async Task<int> CountAsync(Guid organisationId)
    {
        await using var context = await db.OpenUnfilteredAsync();
        return await context.Scenarios.CountAsync(s => s.OrganisationId == organisationId);
    }

    private static string FileName(TransferFormat format) => "scenarios." + ScenarioFile.Extension(format);

    [Theory]
    [InlineData(TransferFormat.Json)]
    [InlineData(TransferFormat.Yaml)]
    [InlineData(TransferFormat.Xlsx)]
    public async Task Every_seeded_template_round_trips_through_an_empty_organisation_to_an_identical_file(TransferFormat format)
    {
        await SeedLibraryAsync(org);
        var first = await As(org.Admin, t => t.ExportAllAsync(format));
        Assert.Equal(ScenarioLibrary.All.Count, first.Count);

        var empty = await db.CreateOrganisationAsync("Empty");
        var plan = await As(empty.Admin, t => t.DryRunAsync(first.Content, FileName(format)));
        Assert.Empty(plan.Problems);
        Assert.Equal(ScenarioLibrary.All.Count, plan.Creates);
        var imported = await As(empty.Admin, t => t.ImportAsync(first.Content, FileName(format)));
        Assert.True(imported.Imported);

        var second = await As(empty.Admin, t => t.ExportAllAsync(format));
        Assert.Equal(ScenarioLibrary.All.Count, second.Count);
        Assert.Equal(first.Content, second.Content);
    }

    [Fact]
    public async Task The_three_formats_carry_the_same_content()
    {
        await SeedLibraryAsync(org);
        var docs = new Dictionary<TransferFormat, string>();
        foreach (var format in Enum.GetValues<TransferFormat>())
        {
            var file = await As(org.Admin, t => t.ExportAllAsync(format));
            var parsed = ScenarioFileReader.Read(file.Content, FileName(format), new TransferLimits());
            Assert.Empty(parsed.Problems);
            docs[format] = ScenarioJson.Serialize(parsed.Scenarios);
        }
        Assert.Equal(docs[TransferFormat.Json], docs[TransferFormat.Yaml]);
        Assert.Equal(docs[TransferFormat.Json], docs[TransferFormat.Xlsx]);
    }

    [Fact]
    public async Task The_dry_run_counts_are_what_the_import_then_does_and_nothing_is_written_before_it()
    {
        var keep = ScenarioSamples.Publishable("Kept as it is");
        var change = ScenarioSamples.Publishable("Changed by the file");
        await using (var scope = await db.AsAsync(org.ContentManager))
        {
            await scope.Scenarios().Commands.CreateAsync(keep);
            await scope.Scenarios().Commands.CreateAsync(change);
        }
        var stored = await As(org.ContentManager, t => t.ExportAllAsync(TransferFormat.Json));
        var file = ScenarioFileReader.Read(stored.Content, "x.json", new TransferLimits()).Scenarios;
        file.Single(d => d.Slug == change.Slug).Phases[1].IdealResponse = "A better ideal response.";
        file.Add(ScenarioSamples.Publishable("Brand new one"));
        var bytes = await ScenarioFileWriter.ToBytesAsync(file, TransferFormat.Json);

        var before = await CountAsync(org.Id);
        var plan = await As(org.ContentManager, t => t.DryRunAsync(bytes, "library.json"));
        Assert.Equal((1, 1, 1), (plan.Creates, plan.Updates, plan.Unchanged));
        Assert.Contains(plan.Items.Single(i => i.Action == ImportAction.Update).Changes, c => c.Contains("changed"));
        Assert.Equal(before, await CountAsync(org.Id));

        var done = await As(org.ContentManager, t => t.ImportAsync(bytes, "library.json"));
        Assert.True(done.Imported);
        Assert.Equal((plan.Creates, plan.Updates, plan.Unchanged), (done.Creates, done.Updates, done.Unchanged));
        Assert.Equal(before + 1, await CountAsync(org.Id));
        await using var check = await db.OpenUnfilteredAsync();
        var updated = await check.Scenarios.Include(s => s.Phases).SingleAsync(s => s.Slug == change.Slug);
        Assert.Equal("A better ideal response.", updated.ToDocument().Phases[1].IdealResponse);
        Assert.Equal(ScenarioStatus.Draft, (await check.Scenarios.SingleAsync(s => s.Slug == "brand-new-one")).Status);
        Assert.Equal(2, await check.AuditEntries.CountAsync(a => a.Action == AuditAction.Import));
    }

    [Fact]
    public async Task A_file_with_one_bad_scenario_among_ten_thousand_writes_nothing_and_names_the_place()
    {
        var docs = Enumerable.Range(1, 10_000).Select(i => Small($"Bulk scenario {i:00000}")).ToList();
        docs[9_998].Phases[0].Name = "";
        var bytes = Compact(docs);

        var plan = await As(org.Admin, t => t.ImportAsync(bytes, "bulk.json"));
        Assert.False(plan.Imported);
        var problem = Assert.Single(plan.Problems);
        Assert.StartsWith("line ", problem.Place);
        Assert.EndsWith("scenarios[9998].phases[0].name", problem.Place);
        Assert.Equal(0, await CountAsync(org.Id));
    }

    [Fact]
    public async Task Ten_thousand_scenarios_are_accepted_and_one_more_than_the_limit_is_refused()
    {
        var docs = Enumerable.Range(1, 10_001).Select(i => Small($"Many {i:00000}")).ToList();
        var over = Compact(docs);
        var refused = await As(org.Admin, t => t.DryRunAsync(over, "many.json"));
        Assert.Contains("10,001 scenarios", Assert.Single(refused.Problems).Message);

        var within = Compact(docs[..10_000]);
        var plan = await As(org.Admin, t => t.ImportAsync(within, "many.json"));
        Assert.True(plan.Imported);
        Assert.Equal(10_000, await CountAsync(org.Id));
    }

    [Fact]
    public async Task Excel_problems_are_reported_at_their_sheet_row_and_column()
    {
        var docs = new[] { Small("First one"), Small("Second one") }.ToList();
        docs[1].Rubric[0].Weight = 5;
        using var book = new XLWorkbook(new MemoryStream(await ScenarioFileWriter.ToBytesAsync(docs, TransferFormat.Xlsx)));
        var phases = book.Worksheet("Phases");
        var minutes = phases.FirstRowUsed().CellsUsed().Single(c => c.GetString() == "expectedMinutes").Address.ColumnLetter;
        phases.Cell($"{minutes}5").Value = "three";
        var title = book.Worksheet("Scenarios").FirstRowUsed().CellsUsed().Single(c => c.GetString() == "title").Address.ColumnLetter;
        book.Worksheet("Scenarios").Cell($"{title}2").Value = "X";
        using var edited = new MemoryStream();
        book.SaveAs(edited);

        var plan = await As(org.Admin, t => t.DryRunAsync(edited.ToArray(), "book.xlsx"));
        Assert.Contains(plan.Problems, p => p.Place == $"Phases!{minutes}5" && p.Message.Contains("whole number"));
        Assert.Contains(plan.Problems, p => p.Place == $"Scenarios!{title}2" && p.Message.Contains("3 to 100"));
        Assert.Contains(plan.Problems, p => p.Place.StartsWith("Rubric!") && p.Message.Contains("add up to 100"));
        Assert.False(plan.CanImport);
    }

    [Fact]
    public async Task Blank_rows_between_blocks_numbers_typed_as_text_and_shared_strings_read_like_the_export()
    {
        var docs = new[] { Small("Spaced one"), Small("Spaced two") }.ToList();
        var exported = await ScenarioFileWriter.ToBytesAsync(docs, TransferFormat.Xlsx);
        using var book = new XLWorkbook(new MemoryStream(exported));
        var phases = book.Worksheet("Phases");
        phases.Row(4).InsertRowsAbove(3);
        var minutes = phases.FirstRowUsed().CellsUsed().Single(c => c.GetString() == "expectedMinutes").Address.ColumnLetter;
        phases.Cell($"{minutes}2").Value = "4";
        book.Worksheet("Rubric").Row(2).InsertRowsBelow(1);
        using var saved = new MemoryStream();
        book.SaveAs(saved);

        var parsed = ScenarioFileReader.Read(saved.ToArray(), "spaced.xlsx", new TransferLimits());
        Assert.Empty(parsed.Problems);
        Assert.Equal(ScenarioJson.Serialize(ScenarioFileReader.Read(exported, "a.xlsx", new TransferLimits()).Scenarios),
            ScenarioJson.Serialize(parsed.Scenarios));
    }

    [Fact]
    public async Task Yaml_with_comments_anchors_crlf_and_a_bom_imports_and_json_without_a_bom_too()
    {
        var yaml = """
            # A library kept in version control
            scenarios:
              - &base
                title: Refund at the counter   # inline comment
                slug: refund-at-the-counter
                domain: support
                category: Refunds
                difficulty: beginner
                locale: en-GB
                persona: { name: Sam }
                phases:
                  - name: Greet
                    customerOpening: I want my money back.
                    idealResponse: |
                      I'm sorry about that.
                      Let me check the receipt.
                    expectedMinutes: 3
                  - name: Resolve
                    customerOpening: Well?
                    idealResponse: The refund is on its way.
                    expectedMinutes: 3
                rubric: [ { name: Empathy, weight: 100 } ]
              - <<: *base
                title: Refund by phone
                slug: refund-by-phone
            """.Replace("\n", "\r\n");
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(yaml)).ToArray();
        var plan = await As(org.ContentManager, t => t.ImportAsync(bytes, "library.yml"));
        Assert.Empty(plan.Problems);
        Assert.Equal(2, plan.Creates);
        await using var check = await db.OpenUnfilteredAsync();
        var phone = await check.Scenarios.Include(s => s.Phases).SingleAsync(s => s.Slug == "refund-by-phone");
        Assert.Equal("I'm sorry about that.\nLet me check the receipt.\n", phone.ToDocument().Phases[0].IdealResponse);
    }

    [Theory]
    [InlineData("bomb.yaml", "YAML bomb")]
    [InlineData("deep.json", "nests deeper")]
    [InlineData("deep.yaml", "nests deeper")]
    [InlineData("notes.json", "not JSON")]
    [InlineData("picture.xlsx", "not an Excel workbook")]
    [InlineData("archive.json", "not JSON text")]
    [InlineData("old.xls", "save it as .xlsx")]
    [InlineData("binary.yaml", "not YAML text")]
    public async Task Hostile_files_are_refused_with_a_clear_message_and_nothing_written(string name, string expected)
    {
        var content = name switch
        {
            "bomb.yaml" => Encoding.UTF8.GetBytes(BillionLaughs()),
            "deep.json" => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
            "deep.yaml" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => new string(' ', i * 2) + "a:\n")) +
                new string(' ', 200) + "b: 1\n"),
            "notes.json" => Encoding.UTF8.GetBytes("title: this is YAML"),
            "picture.xlsx" => TestImages.Png(4, 4),
            "archive.json" => await ScenarioFileWriter.ToBytesAsync([Small("Zipped")], TransferFormat.Xlsx),
            "binary.yaml" => [0xFF, 0xFE, 0x00, 0x41, 0x00],
            _ => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        };
        var plan = await As(org.Admin, t => t.ImportAsync(content, name));
        Assert.False(plan.Imported);
        Assert.Contains(expected, Assert.Single(plan.Problems).Message);
        Assert.Equal(0, await CountAsync(org.Id));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var plan = await As(org.Admin, t => t.DryRunAsync(new byte[t.Limits.MaxFileBytes + 1], "huge.json"));
        Assert.Contains("largest accepted is 20 MB", Assert.Single(plan.Problems).Message);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_whether_it_declares_its_size_or_lies_about_it()
    {
        var honest = ZipWith("xl/worksheets/sheet1.xml", 500L * 1024 * 1024);
        var declared = await As(org.Admin, t => t.DryRunAsync(honest, "bomb.xlsx"));
        Assert.Contains("zip bomb", Assert.Single(declared.Problems).Message);

        // A part declaring 1 KB that holds 50 MB: no more than the declared kilobyte is ever unpacked.
        var lying = ZipWith("xl/workbook.xml", 50L * 1024 * 1024, lieAboutSize: true);
        var before = GC.GetTotalAllocatedBytes();
        var real = await As(org.Admin, t => t.DryRunAsync(lying, "bomb.xlsx"));
        Assert.Contains("cannot be read", Assert.Single(real.Problems).Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 30L * 1024 * 1024);
    }

    [Fact]
    public async Task Formulas_are_imported_as_their_text_and_control_characters_are_refused_at_their_place()
    {
        using var book = new XLWorkbook(new MemoryStream(await ScenarioFileWriter.ToBytesAsync([Small("Formula one")], TransferFormat.Xlsx)));
        var sheet = book.Worksheet("Scenarios");
        var header = sheet.FirstRowUsed().CellsUsed().ToDictionary(c => c.GetString(), c => c.Address.ColumnLetter);
        sheet.Cell($"{header["description"]}2").FormulaA1 = "HYPERLINK(\"http://evil.test\",\"click\")";
        using var saved = new MemoryStream();
        book.SaveAs(saved);
        var parsed = ScenarioFileReader.Read(saved.ToArray(), "f.xlsx", new TransferLimits());
        Assert.Empty(parsed.Problems);
        Assert.Equal("=HYPERLINK(\"http://evil.test\",\"click\")", parsed.Scenarios[0].Description);

        var doc = Small("Bell ringer");
        doc.Persona.Role = "Buyer\u0007";
        var json = ScenarioFileReader.Read(await ScenarioFileWriter.ToBytesAsync([doc], TransferFormat.Json), "c.json", new TransferLimits());
        var problem = Assert.Single(json.Problems);
        Assert.StartsWith("line ", problem.Place);
        Assert.EndsWith("scenarios[0].persona.role", problem.Place);
        Assert.Contains("control character (U+0007)", problem.Message);
    }

    [Fact]
    public async Task Imports_cannot_overwrite_library_or_private_scenarios_and_learners_cannot_import_or_export()
    {
        await SeedLibraryAsync(org);
        var template = ScenarioLibrary.All[0].Document;
        var copy = ScenarioJson.Clone(template);
        copy.Title = "Taken over";
        var privateDoc = ScenarioSamples.Publishable("Someone's private one");
        await using (var scope = await db.AsAsync(org.Admin))
            await scope.Scenarios().Commands.CreateAsync(privateDoc, Visibility.Private);
        var bytes = await ScenarioFileWriter.ToBytesAsync([copy, ScenarioSamples.Publishable("Someone's private one")], TransferFormat.Json);

        var plan = await As(org.ContentManager, t => t.ImportAsync(bytes, "x.json"));
        Assert.False(plan.Imported);
        Assert.Contains(plan.Problems, p => p.Place.EndsWith("scenarios[0].slug") && p.Message.Contains("library scenario"));
        Assert.Contains(plan.Problems, p => p.Place.EndsWith("scenarios[1].slug") && p.Message.Contains("private to its owner"));
        Assert.DoesNotContain(plan.Problems, p => p.Message.Contains("Someone's private one"));

        Assert.False(await Refusals.ServedAsync(() => As(org.Learner, t => t.DryRunAsync(bytes, "x.json"))));
        Assert.False(await Refusals.ServedAsync(() => As(org.Learner, t => t.ExportAllAsync(TransferFormat.Json))));
        Assert.False(await Refusals.ServedAsync(() => As(org.Manager, t => t.ExportAllAsync(TransferFormat.Json))));
        Assert.False(await Refusals.ServedAsync(() => As(org.Reviewer, t => t.ImportAsync(bytes, "x.json"))));
    }

    [Fact]
    public async Task An_admins_import_adds_the_categories_it_uses_and_a_content_managers_is_told_to_ask_for_them()
    {
        var doc = Small("New shelf");
        doc.Category = "Renewals desk";
        var bytes = await ScenarioFileWriter.ToBytesAsync([doc], TransferFormat.Json);

        var refused = await As(org.ContentManager, t => t.DryRunAsync(bytes, "x.json"));
        Assert.Contains(refused.Problems, p => p.Place.EndsWith("scenarios[0].category") && p.Message.Contains("ask an Admin"));

        var plan = await As(org.Admin, t => t.ImportAsync(bytes, "x.json"));
        Assert.True(plan.Imported);
        Assert.Equal(["Renewals desk"], plan.NewCategories);
        await using var check = await db.OpenUnfilteredAsync();
        Assert.True(await check.Set<ScenarioStudio.Scenarios.Categories.Category>()
            .AnyAsync(c => c.OrganisationId == org.Id && c.Name == "Renewals desk"));
        Assert.Equal("Renewals desk", (await check.Scenarios.SingleAsync(s => s.Slug == doc.Slug)).Category);
    }

    [Fact]
    public async Task Exports_hold_only_what_the_caller_may_read_in_their_own_organisation()
    {
        var other = await db.CreateOrganisationAsync("Other");
        int theirs;
        await using (var scope = await db.AsAsync(other.Admin))
            theirs = await scope.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Their secret playbook"));
        int mine, privateOfAdmin;
        await using (var scope = await db.AsAsync(org.ContentManager))
            mine = await scope.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Our playbook"));
        await using (var scope = await db.AsAsync(org.Admin))
            privateOfAdmin = await scope.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Admin's private notes"), Visibility.Private);

        var file = await As(org.ContentManager, t => t.ExportAsync([mine, theirs, privateOfAdmin], TransferFormat.Json));
        var slugs = ScenarioFileReader.Read(file.Content, "x.json", new TransferLimits()).Scenarios.Select(s => s.Slug);
        Assert.Equal(["our-playbook"], slugs);
    }

    /// <summary>A valid two-phase scenario with short text.</summary>
    internal static ScenarioDocument Small(string title)
    {
        var doc = ScenarioSamples.Publishable(title, phases: 2);
        doc.Phases.ForEach(p => (p.KeyVocabulary, p.EssentialPhrases) = ([], []));
        doc.Rubric = [new RubricCriterion { Name = "Empathy", Weight = 100 }];
        doc.Persona.Traits = [];
        return doc;
    }

    /// <summary>Scenarios as JSON on one line, as another tool may write them: ten thousand fit in the 20 MB limit.</summary>
    private static byte[] Compact(IEnumerable<ScenarioDocument> docs) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ScenarioFile { Scenarios = [.. docs] }, ScenarioJson.Options);

    private static string BillionLaughs()
    {
        var yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++) yaml.Append($"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        return yaml.ToString();
    }

    /// <summary>An .xlsx-looking zip with one part of <paramref name="size"/> zero bytes; optionally declaring it as 1 KB.</summary>
    private static byte[] ZipWith(string part, long size, bool lieAboutSize = false)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry(part, CompressionLevel.Fastest).Open();
            var block = new byte[1024 * 1024];
            for (long written = 0; written < size; written += block.Length) stream.Write(block);
        }
        var bytes = buffer.ToArray();
        if (lieAboutSize) PatchSizes(bytes, (uint)size, 1024);
        return bytes;
    }

    /// <summary>Rewrites the uncompressed size in the local header and the central directory.</summary>
    private static void PatchSizes(byte[] zip, uint real, uint declared)
    {
        for (var i = 0; i + 30 < zip.Length; i++)
        {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 0x03 && zip[i + 3] == 0x04 && BitConverter.ToUInt32(zip, i + 22) == real)
                BitConverter.GetBytes(declared).CopyTo(zip, i + 22);
            if (zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 0x01 && zip[i + 3] == 0x02 && BitConverter.ToUInt32(zip, i + 24) == real)
                BitConverter.GetBytes(declared).CopyTo(zip, i + 24);
        }
    }
}

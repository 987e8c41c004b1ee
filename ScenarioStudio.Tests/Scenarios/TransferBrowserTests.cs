using ClosedXML.Excel;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios.Transfer;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Issue 16's walk: an Excel file with two bad rows is imported, its problems read at their places, fixed, imported.</summary>
[Collection("Browser")]
public sealed class TransferBrowserTests(AppFixture app)
{
    [Fact]
    public async Task An_excel_file_with_two_bad_rows_shows_both_problems_at_their_cells_and_imports_once_fixed()
    {
        var people = await app.PeopleAsync();
        var stamp = Guid.NewGuid().ToString("N")[..6];
        var docs = new[] { $"Spreadsheet alpha {stamp}", $"Spreadsheet beta {stamp}" }.Select(t => ScenarioSamples.Publishable(t)).ToList();
        var good = await ScenarioFileWriter.ToBytesAsync(docs, TransferFormat.Xlsx);
        var (bad, places) = Spoil(good);
        var folder = Directory.CreateTempSubdirectory("import-");
        var badPath = Path.Combine(folder.FullName, "library.xlsx");
        await File.WriteAllBytesAsync(badPath, bad);

        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await page.GotoAsync("/scenarios");
        await page.WaitForCircuitAsync();
        await page.ClickAsync("#new-scenario");
        await page.ClickAsync("#import-scenarios");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/scenarios/import$"));
        // The layout's circuit marker is already there after an in-app navigation: wait for the page's own.
        await page.Locator("#drop-zone[data-ready=true]").WaitForAsync();
        await page.ScreenshotAsync("import-01-empty-1366");

        await page.SetInputFilesAsync("#import-file", badPath);
        await Assertions.Expect(page.Locator("#problem-summary")).ToContainTextAsync("2 problems");
        var rows = page.Locator(".import-problem");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0).Locator(".problem-place")).ToHaveTextAsync(places[0]);
        await Assertions.Expect(rows.Nth(0).Locator(".problem-message")).ToContainTextAsync("whole number");
        await Assertions.Expect(rows.Nth(1).Locator(".problem-place")).ToHaveTextAsync(places[1]);
        await Assertions.Expect(rows.Nth(1).Locator(".problem-message")).ToContainTextAsync("Name the phase");
        await Assertions.Expect(page.Locator("#confirm-import")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("import-02-problems-1366");
        await page.SetViewportSizeAsync(375, 812);
        await page.ScreenshotAsync("import-02-problems-375");
        await page.SetViewportSizeAsync(1366, 900);

        // Fixed: the dry run lists two new drafts, and confirming writes them.
        var goodPath = Path.Combine(folder.FullName, "library-fixed.xlsx");
        await File.WriteAllBytesAsync(goodPath, good);
        await page.SetInputFilesAsync("#import-file", goodPath);
        await Assertions.Expect(page.Locator("#count-create")).ToHaveTextAsync("2 new");
        await Assertions.Expect(page.Locator(".import-item")).ToHaveCountAsync(2);
        await page.ScreenshotAsync("import-03-dry-run-1366");
        await page.ClickAsync("#confirm-import");
        await Assertions.Expect(page.Locator("#import-done")).ToContainTextAsync("2 new drafts");
        await page.ScreenshotAsync("import-04-done-1366");
        await page.SetViewportSizeAsync(375, 812);
        await page.ScreenshotAsync("import-04-done-375");

        await page.GotoAsync($"/scenarios?q={stamp}");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#scenario-grid .scenario-title")).ToHaveCountAsync(2);

        // An Admin bulk-publishes what was imported.
        var admin = await app.NewPageAsync(1366, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync($"/scenarios?q={stamp}");
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("#scenario-grid .scenario-title")).ToHaveCountAsync(2);
        await admin.ClickAsync("#bulk-select-page");
        await Assertions.Expect(admin.Locator("#bulk-count")).ToHaveTextAsync("2 selected");
        await admin.ClickAsync("#bulk-publish");
        await Assertions.Expect(admin.Locator("#bulk-summary")).ToContainTextAsync("2 scenarios published");
        await Assertions.Expect(admin.Locator("#scenario-grid td.wide-only .mud-chip", new() { HasText = "Published" })).ToHaveCountAsync(2);
        await admin.ScreenshotAsync("import-05-bulk-published-1366");
    }

    /// <summary>The workbook with phase 2 of the second scenario given minutes "ten" and no name; the two cells' places.</summary>
    private static (byte[] File, string[] Places) Spoil(byte[] workbook)
    {
        using var book = new XLWorkbook(new MemoryStream(workbook));
        var phases = book.Worksheet(ScenarioSheets.Phases);
        var header = phases.FirstRowUsed().CellsUsed().ToDictionary(c => c.GetString(), c => c.Address.ColumnLetter);
        // Rows: 1 header, 2–4 the first scenario's phases, 5–7 the second's.
        phases.Cell($"{header["expectedMinutes"]}3").Value = "ten";
        phases.Cell($"{header["name"]}6").Value = "";
        using var saved = new MemoryStream();
        book.SaveAs(saved);
        return (saved.ToArray(), [$"Phases!{header["expectedMinutes"]}3", $"Phases!{header["name"]}6"]);
    }
}

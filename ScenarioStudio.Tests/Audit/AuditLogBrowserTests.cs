using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Audit;

[Collection("Browser")]
public sealed class AuditLogBrowserTests(AppFixture app)
{
    /// <summary>
    /// Issue 15.6: an Admin changes a member's role on the members page, then finds the change in the audit log by that
    /// member: who, the before and after, the address, the filter kept in the address; the filtered rows download as CSV;
    /// on a phone the rows fit the screen.
    /// </summary>
    [Fact]
    public async Task An_admin_sees_a_role_change_in_the_audit_log_filtered_by_the_member()
    {
        var people = await app.PeopleAsync();
        const string name = "Rosa Rolechange";
        await app.NewMemberAsync(OrgRole.Learner, name);

        var page = await app.NewPageAsync(1366, 900);
        await page.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await page.GotoAsync("/admin/members");
        await page.WaitForCircuitAsync();
        await page.Locator("#member-table tr", new() { HasText = name }).Locator(".mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Reviewer" }).First.ClickAsync();
        await Assertions.Expect(page.GetByText($"{name} is now Reviewer.")).ToBeVisibleAsync();

        // From the menu to the log, then narrowed to the member by searching their name.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-table")).ToBeVisibleAsync();
        await page.Locator("#filter-subject").PressSequentiallyAsync("Rosa Role");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = name }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit\\?kind=Member&subject=[^&]+&name=Rosa"));

        var rows = page.Locator("#audit-table tbody tr.mud-table-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2); // joined through the invitation, then the role change
        var change = rows.First;
        await Assertions.Expect(change).ToContainTextAsync("Role change");
        await Assertions.Expect(change).ToContainTextAsync("Alex Admin");
        await Assertions.Expect(change).ToContainTextAsync("127.0.0.1");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("accepted an invitation");
        await change.Locator(".audit-expand").ClickAsync();
        var changes = page.Locator(".audit-changes");
        await Assertions.Expect(changes.Locator(".audit-before")).ToHaveTextAsync("Learner");
        await Assertions.Expect(changes.Locator(".audit-after")).ToHaveTextAsync("Reviewer");
        await page.ScreenshotAsync("audit-01-role-change-1366");

        // The filter survives a reload: it is in the address.
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#filter-subject")).ToHaveValueAsync($"{name} (Member)");
        var filtered = page.Url;

        // The same rows as CSV; the download itself is then in the log.
        await page.Locator("#export-audit button").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(".export-csv").Last.ClickAsync());
        var csv = await File.ReadAllLinesAsync(await download.PathAsync());
        Assert.Equal(3, csv.Length);
        Assert.Contains("\"Role change\"", csv[1]);
        Assert.Contains("Role: Learner → Reviewer", csv[1]);
        await page.GotoAsync("/audit?action=Export");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync($"Exported the audit log (member {name}) as CSV (2 rows)");
        Assert.Empty(app.PageErrors[page]);

        // A phone: compact rows, nothing wider than the screen.
        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await phone.GotoAsync(filtered);
        await phone.WaitForCircuitAsync();
        await phone.Locator("#audit-table .audit-expand").First.ClickAsync();
        await Assertions.Expect(phone.Locator(".audit-changes").First).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the audit log scrolls sideways on a phone");
        await phone.ScreenshotAsync("audit-02-phone-375");
        Assert.Empty(app.PageErrors[phone]);
    }
}

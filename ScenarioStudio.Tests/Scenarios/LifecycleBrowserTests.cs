using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Issue 15's walk: a published scenario is changed, reviewed, sent back, approved, compared and restored in the browser.</summary>
[Collection("Browser")]
public sealed class LifecycleBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_change_to_a_published_scenario_goes_through_review_while_learners_keep_version_1_and_history_restores_it()
    {
        var people = await app.PeopleAsync();
        var title = $"Lifecycle walk {Guid.NewGuid():N}"[..24];
        int id;
        await using (var creatorScope = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            id = await creatorScope.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable(title));
            await creatorScope.Scenarios().Lifecycle.SubmitForReviewAsync(id, "First cut");
        }
        await using (var reviewerScope = await app.AsAsync(people[OrgRole.Reviewer]))
            await reviewerScope.Scenarios().Lifecycle.PublishAsync(id);

        // The Content manager edits the published scenario: the edit is a draft beside version 1.
        var creator = await app.NewPageAsync(1366, 900);
        await creator.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await creator.GotoAsync($"/scenarios/{id}");
        await creator.WaitForCircuitAsync();
        await Assertions.Expect(creator.Locator("#draft-banner")).ToContainTextAsync("Learners practise version 1");
        await creator.FillFieldAsync("#scenario-description", "Priya runs six bakeries and wants a two-week pilot before she commits.");
        await creator.ClickAsync("#save");
        await Assertions.Expect(creator.Locator("#pending-change")).ToHaveTextAsync("Draft changes");
        await Assertions.Expect(creator.Locator("#draft-banner")).ToContainTextAsync("You are editing changes to version 1");
        await creator.ScreenshotAsync("lifecycle-01-draft-beside-live-1366");

        // Learners still get version 1.
        var learner = await app.NewPageAsync(1366, 900);
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await learner.GotoAsync($"/scenarios/{id}");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator("#scenario-preview")).ToBeVisibleAsync();
        await Assertions.Expect(learner.Locator("body")).Not.ToContainTextAsync("six bakeries");

        // The Content manager tries the draft: the practice page says it is a try-out that counts nowhere.
        await creator.ClickAsync(".try-draft");
        await Assertions.Expect(creator.Locator("#try-out-banner")).ToContainTextAsync("Try-out of the draft");
        await Assertions.Expect(creator.Locator("#try-out-banner")).ToContainTextAsync("does not count");
        await creator.ScreenshotAsync("lifecycle-01b-try-out-1366");
        await creator.GotoAsync($"/scenarios/{id}");
        await creator.WaitForCircuitAsync();

        // Submitted with a note; a Reviewer finds it in the queue with the diff against the live version.
        await creator.ClickAsync("#submit-review");
        await creator.FillAsync("#review-note", "Pilot details in the description.");
        await creator.ClickAsync("#review-note-confirm");
        await Assertions.Expect(creator.Locator("#pending-change")).ToHaveTextAsync("Changes in review");

        foreach (var (width, height) in new[] { (1366, 900), (375, 812) })
        {
            var queue = await app.NewPageAsync(width, height);
            await queue.SignInAsync(people[OrgRole.Reviewer], AppFixture.Password);
            await queue.GotoAsync($"/reviews?scenario={id}");
            await queue.WaitForCircuitAsync();
            var item = queue.Locator(".review-item", new() { HasText = title });
            await Assertions.Expect(item).ToContainTextAsync("Change to version 1");
            await Assertions.Expect(item).ToContainTextAsync("Pilot details in the description.");
            await Assertions.Expect(item.Locator(".diff-field")).ToContainTextAsync("Description");
            await Assertions.Expect(item.Locator(".diff-after ins").First).ToContainTextAsync("six bakeries");
            Assert.Equal(0, await queue.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"));
            await queue.ScreenshotAsync($"lifecycle-02-review-queue-{width}");
            Assert.Empty(app.PageErrors[queue]);
        }

        // The Reviewer asks for changes; the comment is required.
        var reviewer = await app.NewPageAsync(1366, 900);
        await reviewer.SignInAsync(people[OrgRole.Reviewer], AppFixture.Password);
        await reviewer.GotoAsync($"/scenarios/{id}");
        await reviewer.WaitForCircuitAsync();
        await reviewer.ClickAsync("#request-changes");
        await reviewer.ClickAsync("#review-note-confirm");
        await Assertions.Expect(reviewer.Locator(".mud-dialog")).ToContainTextAsync("Say what should change");
        await reviewer.FillAsync("#review-note", "Say how long the pilot lasts in the first phase too.");
        await reviewer.ClickAsync("#review-note-confirm");
        await Assertions.Expect(reviewer.Locator("#pending-change")).ToHaveTextAsync("Draft changes");

        // The author is told under the bell, live, and follows it to History, where the comment is.
        await creator.ClickAsync("#notification-bell-button");
        var told = creator.GetByText($"Changes requested: {title}");
        await Assertions.Expect(told).ToBeVisibleAsync();
        await creator.ScreenshotAsync("lifecycle-02b-author-notified-1366");
        await told.ClickAsync();
        await Assertions.Expect(creator).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/scenarios/{id}\\?tab=history"));

        // The author fixes the phase and submits again; the Reviewer approves.
        await creator.GotoAsync($"/scenarios/{id}?tab=history");
        await creator.WaitForCircuitAsync();
        await Assertions.Expect(creator.Locator("#review-steps")).ToContainTextAsync("Say how long the pilot lasts");
        await creator.OpenTabAsync("Phases");
        await creator.FillFieldAsync("#phase-0-ideal", "I understand, Priya. A two-week pilot lets you see results before you commit. Shall we plan it?");
        // Save and, at once, Submit: the submit waits for the save instead of racing it.
        await creator.ClickAsync("#save");
        await creator.ClickAsync("#submit-review");
        await creator.ClickAsync("#review-note-confirm");
        await Assertions.Expect(creator.Locator("#pending-change")).ToHaveTextAsync("Changes in review");
        await reviewer.ReloadAsync();
        await reviewer.WaitForCircuitAsync();
        await reviewer.ClickAsync("#publish");
        await reviewer.FillAsync("#review-note", "Pilot explained throughout.");
        await reviewer.ClickAsync("#review-note-confirm");
        await Assertions.Expect(reviewer.Locator("#live-version")).ToHaveTextAsync("v2 live");

        // Learners now get version 2.
        await learner.ReloadAsync();
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator("body")).ToContainTextAsync("six bakeries");

        // History shows both versions and what changed; restoring version 1 makes a new draft.
        foreach (var (width, height) in new[] { (1366, 900), (375, 812) })
        {
            var history = await app.NewPageAsync(width, height);
            await history.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
            await history.GotoAsync($"/scenarios/{id}?tab=history");
            await history.WaitForCircuitAsync();
            await Assertions.Expect(history.Locator("#version-list .version-row")).ToHaveCountAsync(2);
            await Assertions.Expect(history.Locator("#version-2")).ToContainTextAsync("Pilot explained throughout.");
            await Assertions.Expect(history.Locator("#scenario-diff")).ToContainTextAsync("Ideal response");
            await history.Locator("#history").ScreenshotAsync($"lifecycle-03-history-{width}");
            Assert.Empty(app.PageErrors[history]);
        }
        await creator.GotoAsync($"/scenarios/{id}?tab=history");
        await creator.WaitForCircuitAsync();
        await creator.Locator("#version-1 .restore-version").ClickAsync();
        await creator.Locator(".mud-dialog").GetByText("Restore as draft").ClickAsync();
        await Assertions.Expect(creator.Locator("#pending-change")).ToHaveTextAsync("Draft changes");
        await using (var check = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            var editing = await check.Scenarios().Queries.GetAsync(id);
            Assert.Equal((2, DraftStatus.Draft), (editing.LiveVersion!.Value, editing.PendingChange!.Value));
            Assert.DoesNotContain("six bakeries", editing.Document.Description);
        }

        // The Admin sees every step in the audit log, filtered to the scenario, and exports it.
        var admin = await app.NewPageAsync(1366, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync($"/audit?kind=Scenario&subject={id}&name={Uri.EscapeDataString(title)}");
        await admin.WaitForCircuitAsync();
        var log = admin.Locator("#audit-table tbody tr");
        foreach (var step in new[] { "Created the scenario", "Submitted for review: First cut", "Published version 1", "Edited the draft changes",
                     "Changes requested: Say how long", "Published version 2: Pilot explained throughout.", "Restored version 1 as a new draft" })
            await Assertions.Expect(log.Filter(new() { HasText = step }).First).ToBeVisibleAsync();
        await admin.ScreenshotAsync("lifecycle-04-audit-1366");
        await admin.Locator("#export-audit button").ClickAsync();
        var download = await admin.RunAndWaitForDownloadAsync(() => admin.Locator(".export-csv").Last.ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("Restored version 1 as a new draft", csv);
        Assert.Contains("Published version 2", csv);

        // The Admin's review rule sits on the Organisation page, off by default.
        foreach (var (width, height) in new[] { (1366, 900), (375, 812) })
        {
            var settings = await app.NewPageAsync(width, height);
            await settings.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
            await settings.GotoAsync("/admin/settings");
            await settings.WaitForCircuitAsync();
            await Assertions.Expect(settings.GetByLabel("Admins may approve changes they submitted")).Not.ToBeCheckedAsync();
            await settings.ScreenshotAsync($"lifecycle-05-settings-{width}");
            Assert.Empty(app.PageErrors[settings]);
        }

        foreach (var page in new[] { creator, reviewer, learner, admin }) Assert.Empty(app.PageErrors[page]);
    }
}

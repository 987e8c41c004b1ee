using System.Text.RegularExpressions;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>Issue 14.6: the transcript of a learner's session as their manager reads it, and the files they take away.</summary>
[Collection("Browser")]
public sealed class ReviewerTranscriptBrowserTests(AppFixture app)
{
    [Fact]
    public async Task A_manager_reads_a_learners_session_by_name_summary_first_goes_back_to_the_dashboard_and_downloads_it()
    {
        var people = await app.PeopleAsync();
        var (learnerId, team) = await LeadLearnerAsync(people);
        try
        {
            await ReadAndDownloadAsync(people, learnerId);
        }
        finally
        {
            // The shared app's teams are as they were: other tests count the learner's teams.
            if (team is { } made)
            {
                await using var asAdmin = await app.AsAsync(people[OrgRole.Admin]);
                await asAdmin.Get<TeamService>().DeleteAsync(made);
            }
        }
    }

    private async Task ReadAndDownloadAsync(IReadOnlyDictionary<OrgRole, string> people, string learnerId)
    {
        var answer = $"I hear you, and a small trial pack is a fair way to start (note {Guid.NewGuid():N}).";
        Guid session;
        SessionView done;
        await using (var asLearner = await app.AsAsync(people[OrgRole.Learner]))
        {
            var practice = asLearner.Get<PracticeService>();
            var scenarioId = (await asLearner.Get<ScenarioQueries>().ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
            session = await practice.StartAsync(scenarioId);
            done = await practice.CompleteAsync(session,
                v => v.Messages.Any(m => m.Speaker == Speaker.Learner) ? v.Scenario.Phases[v.PhaseIndex].IdealResponse : answer);
        }

        foreach (var (width, height, name) in new[] { (1366, 900, "desktop"), (375, 800, "phone") })
        {
            var page = await app.NewPageAsync(width, height);
            await page.SignInAsync(people[OrgRole.Manager], AppFixture.Password);
            // From the dashboard to the learner's sessions to the newest one (the session above).
            await page.GotoAsync("/dashboard");
            await page.WaitForCircuitAsync();
            await page.Locator("#learner-table a").GetByText("Learner Person").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/learners/{learnerId}/sessions$"));
            await Assertions.Expect(page.Locator("#to-dashboard")).ToHaveAttributeAsync("href", "/dashboard");
            await page.ScreenshotAsync($"transcript-00-learner-sessions-{name}");
            await page.Locator("#session-table tbody tr").First.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/practice/{session}$"));

            // Written for the manager: the learner's name where the learner reads "You", their situation, the summary first.
            var learnerLines = page.Locator(".bubble.learner .who");
            await Assertions.Expect(learnerLines.First).ToHaveTextAsync("Learner Person");
            Assert.All(await learnerLines.AllInnerTextsAsync(), who => Assert.StartsWith("Learner Person", who));
            await Assertions.Expect(page.Locator(".bubble.learner .text").First).ToHaveTextAsync(answer);
            await Assertions.Expect(page.Locator("#situation h2")).ToHaveTextAsync("Their situation");
            await Assertions.Expect(page.Locator("#session-summary")).ToContainTextAsync("score of Learner Person's first tries");
            // No "you" in the page's own words for the manager (the customer's and the coach's lines are theirs).
            Assert.DoesNotContain(await page.Locator(".who, .side-cards h2, .side-cards .mud-typography-caption, #session-summary .mud-typography-caption, " +
                "#session-summary .mud-button-label").AllInnerTextsAsync(), t => Regex.IsMatch(t, @"\b[Yy]our?\b"));
            Assert.True((await page.Locator("#session-summary").BoundingBoxAsync())!.Y < (await page.Locator(".bubble").First.BoundingBoxAsync())!.Y);
            await Assertions.Expect(page.Locator("#answer-input")).ToHaveCountAsync(0);
            // The way back is to where the manager came from, not to the scenario list.
            await Assertions.Expect(page.Locator("#leave-practice")).ToHaveAttributeAsync("href", $"/learners/{learnerId}/sessions");
            await Assertions.Expect(page.Locator("#leave-practice")).ToHaveTextAsync("Back to sessions");
            await Assertions.Expect(page.Locator("#to-dashboard")).ToHaveAttributeAsync("href", "/dashboard");
            await Assertions.Expect(page.Locator("#export-transcript")).ToBeVisibleAsync();
            await page.ScreenshotAsync($"transcript-01-manager-{name}");
            await page.Locator("#reviewer-trail").Locator("..").Locator("..").ScreenshotAsync($"transcript-02-manager-header-{name}");
            await page.Locator(".focus-bar").ScreenshotAsync($"transcript-02-manager-bar-{name}");
            await page.Locator("#session-summary").ScreenshotAsync($"transcript-02-manager-summary-{name}");

            if (name == "desktop") await DownloadsAsync(page, done, answer);

            await page.ClickAsync("#to-dashboard");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
            await Assertions.Expect(page.Locator("#learner-table")).ToBeVisibleAsync();
            Assert.Empty(app.PageErrors[page]);
        }

        // The learner's own view of the same session is unchanged.
        var learner = await app.NewPageAsync(1366, 900);
        await learner.SignInAsync(people[OrgRole.Learner], AppFixture.Password);
        await learner.GotoAsync($"/practice/{session}");
        await learner.WaitForCircuitAsync();
        await Assertions.Expect(learner.Locator(".bubble.learner .who").First).ToHaveTextAsync("You");
        await Assertions.Expect(learner.Locator("#situation h2")).ToHaveTextAsync("Your situation");
        await Assertions.Expect(learner.Locator("#session-summary")).ToContainTextAsync("score of your first tries");
        await Assertions.Expect(learner.Locator("#leave-practice")).ToHaveAttributeAsync("href", "/scenarios");
        await Assertions.Expect(learner.Locator("#reviewer-trail")).ToHaveCountAsync(0);
        await Assertions.Expect(learner.Locator("#export-transcript")).ToHaveCountAsync(0);
        Assert.Empty(app.PageErrors[learner]);
    }

    /// <summary>The transcript opened as a Word document and the scores as a workbook, each holding this session.</summary>
    private static async Task DownloadsAsync(IPage page, SessionView done, string answer)
    {
        var transcript = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-transcript").ClickAsync());
        Assert.EndsWith(".docx", transcript.SuggestedFilename);
        if (AppFixture.ScreenshotDirectory is { } dir) await transcript.SaveAsAsync(Path.Combine(dir, "transcript-03.docx"));
        using (var document = WordprocessingDocument.Open(await transcript.PathAsync(), isEditable: false))
        {
            var text = document.MainDocumentPart!.Document.Body!.InnerText;
            Assert.Contains(answer, text);
            Assert.Contains(done.ScenarioTitle, text);
            Assert.Contains("Learner Person", text);
        }

        var scores = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-scores").ClickAsync());
        Assert.EndsWith(".xlsx", scores.SuggestedFilename);
        if (AppFixture.ScreenshotDirectory is { } folder) await scores.SaveAsAsync(Path.Combine(folder, "transcript-04-scores.xlsx"));
        await using var file = File.OpenRead(await scores.PathAsync());
        using var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheet("Scores");
        var answers = done.Messages.Where(m => m.Speaker == Speaker.Learner).ToList();
        Assert.Equal(answers.Count + 1, sheet.LastRowUsed().RowNumber());
        Assert.Equal(answer, sheet.Cell(2, 4).GetString());
        Assert.Equal(answers.Select(m => m.Kind == MessageKind.Repeat ? "Repeat" : "First try"),
            Enumerable.Range(2, answers.Count).Select(r => sheet.Cell(r, 3).GetString()));
        Assert.Equal(done.Messages.First(m => m.Assessment is not null).Assessment!.Overall, sheet.Cell(2, 5).GetDouble());
    }

    /// <summary>The manager leads a team the learner is in: the learner's id, and the team when this test had to make it.</summary>
    private async Task<(string LearnerId, Guid? Team)> LeadLearnerAsync(IReadOnlyDictionary<OrgRole, string> people)
    {
        await using var asAdmin = await app.AsAsync(people[OrgRole.Admin]);
        var teams = asAdmin.Get<TeamService>();
        var everyone = await teams.ListPeopleAsync();
        // The fixture's own manager and learner: other browser tests add members of these roles to the shared organisation.
        var managerId = everyone.Single(p => p.Email == people[OrgRole.Manager]).Id;
        var learnerId = everyone.Single(p => p.Email == people[OrgRole.Learner]).Id;
        if ((await teams.ListAsync()).Any(t => t.Manager?.Id == managerId && t.Members.Any(m => m.Id == learnerId))) return (learnerId, null);
        return (learnerId, await teams.CreateAsync(new TeamInput("Transcript team", managerId, [learnerId])));
    }
}

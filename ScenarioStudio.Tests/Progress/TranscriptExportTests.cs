using System.Net;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace ScenarioStudio.Tests.Progress;

/// <summary>
/// Issue 14.6: a session's transcript (Word) and scores (Excel) over HTTP, signed in through the real sign-in form: the
/// learner and those who follow them get the files; another learner, a manager of another team and another
/// organisation get 403; nothing the learner or the AI wrote is taken as markup, a field or a formula.
/// </summary>
public sealed class TranscriptExportTests : IDisposable
{
    private const string Password = "harbour lantern violet 7";
    /// <summary>A first answer written to hurt: a formula, Word markup and a field, a control character, a tab and a line break.</summary>
    private const string Hostile = "=HYPERLINK(\"http://evil.test\",\"refund\") <w:p><w:r><w:t>injected</w:t></w:r></w:p> { MERGEFIELD Secret }" +
        " bell\u0007 tab\there\nsecond line";

    private readonly TestApp factory = new();

    [Fact]
    public async Task Only_the_learner_and_those_who_follow_them_can_download_a_sessions_transcript_and_scores()
    {
        var (session, _) = await PrepareAsync();
        string[] files = [$"/exports/sessions/{session}/transcript.docx", $"/exports/sessions/{session}/scores.xlsx"];

        foreach (var (email, expected) in new[]
        {
            ("learner@transcript.test", HttpStatusCode.OK), ("manager@transcript.test", HttpStatusCode.OK), ("admin@transcript.test", HttpStatusCode.OK),
            ("other-learner@transcript.test", HttpStatusCode.Forbidden), ("other-manager@transcript.test", HttpStatusCode.Forbidden),
            ("admin@elsewhere.test", HttpStatusCode.Forbidden),
        })
        {
            var client = factory.NewClient();
            await HttpSignIn.SignInAsync(client, email, Password);
            foreach (var file in files)
            {
                var response = await client.GetAsync(file);
                Assert.True(expected == response.StatusCode, $"{email} got {response.StatusCode} for {file}, expected {expected}");
                if (expected != HttpStatusCode.OK) continue;
                Assert.Equal(file.EndsWith(".docx", StringComparison.Ordinal) ? ScenarioStudio.Progress.TranscriptExport.DocxContentType
                    : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
                Assert.StartsWith(file.EndsWith(".docx", StringComparison.Ordinal) ? "transcript-learner-person-" : "scores-learner-person-",
                    response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
            }
        }

        // A session that is not there reads like one that is not yours; no file is served without signing in.
        var manager = factory.NewClient();
        await HttpSignIn.SignInAsync(manager, "manager@transcript.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/exports/sessions/{Guid.NewGuid()}/transcript.docx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/exports/sessions/{session}/transcript.pdf")).StatusCode);
        var anonymous = await factory.NewClient().GetAsync(files[0]);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/Account/Login", anonymous.Headers.Location!.ToString());
    }

    [Fact]
    public async Task What_the_learner_wrote_goes_into_the_files_as_plain_text_never_as_markup_fields_or_formulas()
    {
        var (session, view) = await PrepareAsync();
        var client = factory.NewClient();
        await HttpSignIn.SignInAsync(client, "manager@transcript.test", Password);

        var docx = new MemoryStream(await client.GetByteArrayAsync($"/exports/sessions/{session}/transcript.docx"));
        using (var document = WordprocessingDocument.Open(docx, isEditable: false))
        {
            var invalid = new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(invalid.Count == 0, string.Join(Environment.NewLine, invalid));
            var body = document.MainDocumentPart!.Document.Body!;
            Assert.Equal(view.ScenarioTitle, body.Elements<W.Paragraph>().First().InnerText);
            // The answer is in text runs as written, less the control character XML cannot carry; its markup made no
            // paragraph, its field no field, its tab and line break are a tab and a break.
            var texts = body.Descendants<W.Text>().Select(t => t.Text).ToList();
            Assert.Contains("=HYPERLINK(\"http://evil.test\",\"refund\") <w:p><w:r><w:t>injected</w:t></w:r></w:p> { MERGEFIELD Secret } bell tab", texts);
            Assert.Contains("here", texts);
            Assert.Contains("second line", texts);
            Assert.DoesNotContain(body.Elements<W.Paragraph>(), p => p.InnerText == "injected");
            Assert.Empty(body.Descendants<W.FieldCode>());
            Assert.Empty(body.Descendants<W.SimpleField>());
            var answer = body.Descendants<W.Run>().First(r => r.InnerText.StartsWith("=HYPERLINK", StringComparison.Ordinal));
            Assert.Single(answer.Elements<W.TabChar>());
            Assert.Single(answer.Elements<W.Break>());
            // Then the coach: its score and better version, and the summary comes before the transcript.
            var firstScore = view.Messages.First(m => m.Assessment is not null).Assessment!;
            Assert.Contains(body.Descendants<W.Paragraph>(), p => p.InnerText.StartsWith($"Coach: {firstScore.Overall}/100", StringComparison.Ordinal));
            Assert.Contains(body.Descendants<W.Paragraph>(), p => p.InnerText == "Better version: " + firstScore.BetterVersion.Trim());
            var headings = body.Elements<W.Paragraph>().Where(p => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value == "Heading1")
                .Select(p => p.InnerText).ToList();
            Assert.Equal(["Summary", "Transcript"], headings);
        }

        var xlsx = new MemoryStream(await client.GetByteArrayAsync($"/exports/sessions/{session}/scores.xlsx"));
        using var workbook = new XLWorkbook(xlsx);
        var sheet = workbook.Worksheet("Scores");
        Assert.Equal(["Phase", "Phase name", "Attempt", "Answer", "Score", "Objective met", .. view.Scenario.Rubric.Select(c => c.Name)],
            sheet.Row(1).CellsUsed().Select(c => c.GetString()));
        var answers = view.Messages.Count(m => m.Speaker == Speaker.Learner);
        Assert.Equal(answers + 1, sheet.LastRowUsed().RowNumber());
        var cell = sheet.Cell(2, 4);
        Assert.False(cell.HasFormula);
        Assert.Equal(XLDataType.Text, cell.DataType);
        Assert.StartsWith("=HYPERLINK(", cell.GetString());
        // A long answer wraps in a column of readable width instead of stretching it across the screen.
        Assert.Equal(60, sheet.Column(4).Width);
        Assert.True(cell.Style.Alignment.WrapText);
        Assert.Equal("First try", sheet.Cell(2, 3).GetString());
        Assert.Equal("Repeat", sheet.Cell(3, 3).GetString());
        var first = view.Messages.First(m => m.Assessment is not null).Assessment!;
        Assert.Equal(first.Overall, sheet.Cell(2, 5).GetDouble());
        Assert.Equal(first.Criteria.First(c => c.Name == view.Scenario.Rubric[0].Name).Score, sheet.Cell(2, 7).GetDouble());
    }

    /// <summary>
    /// One organisation (an Admin, the learner and their manager, another learner, a manager of no team of theirs) and
    /// another organisation's Admin; the learner completes a two-phase library scenario, first answering with <see cref="Hostile"/>.
    /// </summary>
    private async Task<(Guid Session, SessionView View)> PrepareAsync()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("admin@transcript.test", "Alex Admin", Password, "Transcript Org", null));
        }
        var ids = new Dictionary<string, string>();
        foreach (var (name, role) in new[] { ("learner", OrgRole.Learner), ("manager", OrgRole.Manager), ("other-learner", OrgRole.Learner),
            ("other-manager", OrgRole.Manager) })
        {
            CreatedInvitation invitation;
            await using (var asAdmin = await AsAsync("admin@transcript.test")) invitation = await asAdmin.Get<MemberService>().InviteAsync(role, null);
            await using var scope = factory.Services.CreateAsyncScope();
            var display = name == "learner" ? "Learner Person" : $"{name} person";
            ids[name] = (await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest($"{name}@transcript.test", display, Password, null, invitation.Token))).Id;
        }
        await using (var asAdmin = await AsAsync("admin@transcript.test"))
        {
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", ids["manager"], [ids["learner"]]));
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Others", ids["other-manager"], [ids["other-learner"]]));
        }
        await AddOtherOrganisationAsync();

        await using var asLearner = await AsAsync("learner@transcript.test");
        var practice = asLearner.Get<PracticeService>();
        var scenarioId = (await asLearner.Get<ScenarioQueries>().ListTemplatesAsync()).First(t => t.PhaseCount == 2).Id;
        var id = await practice.StartAsync(scenarioId);
        var view = await practice.CompleteAsync(id,
            v => v.Messages.Any(m => m.Speaker == Speaker.Learner) ? v.Scenario.Phases[v.PhaseIndex].IdealResponse : Hostile);
        Assert.Contains(view.Messages, m => m.Text == Hostile.Trim());
        return (id, view);
    }

    /// <summary>Sign-up opens only the first organisation: the second is made as the app's own data.</summary>
    private async Task AddOtherOrganisationAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SystemDbContext>();
        var org = new Organisation { Name = "Elsewhere" };
        db.Organisations.Add(org);
        await db.SaveChangesAsync();
        var user = new ApplicationUser
        {
            OrganisationId = org.Id, Role = OrgRole.Admin, DisplayName = "Elsewhere Admin", UserName = "admin@elsewhere.test",
            Email = "admin@elsewhere.test", EmailConfirmed = true,
        };
        var result = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    private async Task<AsUser> AsAsync(string email)
    {
        var scope = factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No account {email}.");
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        return new AsUser(scope);
    }

    public void Dispose() => factory.Dispose();
}

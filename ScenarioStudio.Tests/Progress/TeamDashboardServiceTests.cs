using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Progress;

public sealed class TeamDashboardServiceTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();
    private TestOrganisation org = default!;
    private Account.ApplicationUser outsider = default!;

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        org = await db.CreateOrganisationAsync("Acme");
        outsider = await db.AddMemberAsync(org.Id, OrgRole.Learner, "Outside the team");
        await using (var asAdmin = await db.AsAsync(org.Admin))
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", org.Manager.Id, [org.Learner.Id]));

        // A hand-made year: the team learner completes 60 then 80 (XP 60 + 80), and leaves one session unfinished;
        // the outsider completes one session of 40.
        var now = db.Clock.GetUtcNow();
        await using var context = await db.OpenUnfilteredAsync();
        PracticeSession Session(string user, int scenario, string title, int? score, int daysAgo) => new()
        {
            OrganisationId = org.Id, UserId = user, ScenarioId = scenario, ScenarioTitle = title,
            Stage = score is null ? SessionStage.LearnerAnswer : SessionStage.Completed,
            OverallScore = score, XpEarned = score ?? 0, StartedAt = now.AddDays(-daysAgo), UpdatedAt = now.AddDays(-daysAgo),
            CompletedAt = score is null ? null : now.AddDays(-daysAgo),
        };
        context.PracticeSessions.AddRange(
            Session(org.Learner.Id, 1, "Trial pack", 60, 20),
            Session(org.Learner.Id, 1, "Trial pack", 80, 10),
            Session(org.Learner.Id, 2, "Refund", null, 9),
            Session(outsider.Id, 2, "Refund", 40, 1));
        await context.SaveChangesAsync();
    }

    public Task DisposeAsync() => db.DisposeAsync();

    [Fact]
    public async Task A_manager_sees_only_their_team_with_figures_computed_in_sql()
    {
        await using var asManager = await db.AsAsync(org.Manager);
        var d = await asManager.Get<TeamDashboardService>().GetAsync(inactiveDays: 7);

        var learner = Assert.Single(d.Learners);
        Assert.Equal((org.Learner.Id, 3, 2, 70, 60, 80, 140), (learner.LearnerId, learner.Started, learner.Completed,
            learner.AverageScore!.Value, learner.FirstScore!.Value, learner.LatestScore!.Value, learner.Xp));
        Assert.Equal(67, d.CompletionPercent); // 2 of 3
        Assert.Equal(70, d.AverageScore);
        Assert.Equal([("Trial pack", 2, 2, 70), ("Refund", 1, 0, 0)], d.Scenarios.Select(s => (s.Title, s.Attempts, s.Completed, s.AverageScore ?? 0)));
        Assert.Equal([org.Learner.Id], d.Inactive.Select(l => l.LearnerId)); // last activity 9 days ago
        Assert.Empty(d.Criteria); // these hand-made sessions have no coach messages

        // Twelve calendar months, oldest first; the two completed sessions fall in the months of 20 and 10 days ago.
        var now = db.Clock.GetUtcNow();
        Assert.Equal(12, d.Monthly.Count);
        Assert.Equal(new DateOnly(now.Year, now.Month, 1), d.Monthly[^1].Month);
        static DateOnly MonthOf(DateTimeOffset t) => new(t.Year, t.Month, 1);
        var expected = new[] { (At: now.AddDays(-20), Score: 60), (At: now.AddDays(-10), Score: 80) }.GroupBy(x => MonthOf(x.At))
            .ToDictionary(g => g.Key, g => ((int?)(int)Math.Round(g.Average(x => x.Score)), g.Count()));
        Assert.All(d.Monthly, m => Assert.Equal(expected.GetValueOrDefault(m.Month, (null, 0)), (m.AverageScore, m.Completed)));
        Assert.Equal([(org.Learner.Id, 140)], d.Leaderboard.Select(l => (l.LearnerId, l.Xp)));
    }

    [Fact]
    public async Task A_half_way_average_rounds_the_same_way_in_the_teams_card_the_learners_row_and_the_scenarios_row()
    {
        // 60, 80 and 77 average 72.333...; one more session of 73 makes the learner's average exactly 72.5.
        await using (var context = await db.OpenUnfilteredAsync())
        {
            var now = db.Clock.GetUtcNow();
            context.PracticeSessions.Add(new PracticeSession
            {
                OrganisationId = org.Id, UserId = org.Learner.Id, ScenarioId = 1, ScenarioTitle = "Trial pack", Stage = SessionStage.Completed,
                OverallScore = 77, XpEarned = 77, StartedAt = now.AddDays(-2), UpdatedAt = now.AddDays(-2), CompletedAt = now.AddDays(-2),
            });
            context.PracticeSessions.Add(new PracticeSession
            {
                OrganisationId = org.Id, UserId = org.Learner.Id, ScenarioId = 1, ScenarioTitle = "Trial pack", Stage = SessionStage.Completed,
                OverallScore = 73, XpEarned = 73, StartedAt = now.AddDays(-1), UpdatedAt = now.AddDays(-1), CompletedAt = now.AddDays(-1),
            });
            await context.SaveChangesAsync();
        }
        await using var asManager = await db.AsAsync(org.Manager);
        var d = await asManager.Get<TeamDashboardService>().GetAsync(inactiveDays: 7);

        // (60 + 80 + 77 + 73) / 4 = 72.5: every figure shows 73, none 72 (Math.Round alone would round the card to even).
        Assert.Equal(73, Assert.Single(d.Learners).AverageScore);
        Assert.Equal(73, d.AverageScore);
        Assert.Equal(73, d.Scenarios.Single(x => x.Title == "Trial pack").AverageScore);
    }

    [Fact]
    public async Task The_twelve_months_come_from_one_grouped_query_with_sessions_on_month_boundaries_in_the_right_month()
    {
        // Besides the sessions of 20 and 10 days ago (60 and 80, in October): one at the first instant of this month,
        // one a second before it, one at the first instant of the window and one a second before the window.
        var now = db.Clock.GetUtcNow();
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var context = await db.OpenUnfilteredAsync())
        {
            PracticeSession Done(DateTimeOffset at, int score) => new()
            {
                OrganisationId = org.Id, UserId = org.Learner.Id, ScenarioId = 1, ScenarioTitle = "Trial pack", Stage = SessionStage.Completed,
                OverallScore = score, XpEarned = score, StartedAt = at, UpdatedAt = at, CompletedAt = at,
            };
            context.PracticeSessions.AddRange(Done(thisMonth, 90), Done(thisMonth.AddSeconds(-1), 31),
                Done(thisMonth.AddMonths(-11), 50), Done(thisMonth.AddMonths(-11).AddSeconds(-1), 10));
            await context.SaveChangesAsync();
        }

        await using var asManager = await db.AsAsync(org.Manager);
        using var sql = db.Sql.Capture();
        var d = await asManager.Get<TeamDashboardService>().GetAsync();

        Assert.Equal(Enumerable.Range(-11, 12).Select(m => DateOnly.FromDateTime(thisMonth.AddMonths(m).UtcDateTime)), d.Monthly.Select(m => m.Month));
        var figures = d.Monthly.ToDictionary(m => m.Month, m => (m.Completed, m.AverageScore));
        Assert.Equal((1, 50), figures[DateOnly.FromDateTime(thisMonth.AddMonths(-11).UtcDateTime)]); // the window's first instant counts
        Assert.Equal((3, 57), figures[DateOnly.FromDateTime(thisMonth.AddMonths(-1).UtcDateTime)]); // (60 + 80 + 31) / 3
        Assert.Equal((1, 90), figures[DateOnly.FromDateTime(thisMonth.UtcDateTime)]);
        Assert.Equal(5, d.Monthly.Sum(m => m.Completed)); // the session before the window is not counted
        Assert.All(d.Monthly.Where(m => m.Completed == 0), m => Assert.Null(m.AverageScore));

        // One query compares completion times with month bounds, where there were twelve.
        Assert.Single(sql.Commands, c => c.Contains("\"CompletedAt\" <"));
    }

    [Fact]
    public async Task An_admin_sees_every_learner_of_the_organisation()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var d = await asAdmin.Get<TeamDashboardService>().GetAsync();
        Assert.Equal(2, d.Learners.Count); // the seeded Learner and the outsider; staff are not listed
        Assert.Equal(60, d.AverageScore); // (60 + 80 + 40) / 3
        Assert.Contains(d.Learners, l => l.LearnerId == outsider.Id && l.AverageScore == 40);
    }

    [Fact]
    public async Task Learners_other_managers_and_other_organisations_are_refused_or_see_nothing()
    {
        await using (var asLearner = await db.AsAsync(org.Learner))
            await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<TeamDashboardService>().GetAsync());
        var otherManager = await db.AddMemberAsync(org.Id, OrgRole.Manager, "Other manager");
        await using (var asOther = await db.AsAsync(otherManager))
            Assert.Empty((await asOther.Get<TeamDashboardService>().GetAsync()).Learners);
        var globex = await db.CreateOrganisationAsync("Globex");
        await using (var asGlobex = await db.AsAsync(globex.Admin))
        {
            var d = await asGlobex.Get<TeamDashboardService>().GetAsync();
            Assert.DoesNotContain(d.Learners, l => l.LearnerId == org.Learner.Id || l.LearnerId == outsider.Id);
            Assert.Empty(d.Scenarios);
        }
    }

    [Fact]
    public async Task Criterion_averages_cover_only_the_callers_learners()
    {
        await using (var context = await db.OpenUnfilteredAsync())
        {
            var sessions = context.PracticeSessions.Where(s => s.CompletedAt != null).ToList();
            var sequence = 100;
            foreach (var s in sessions)
            {
                var score = s.UserId == org.Learner.Id ? 80 : 20;
                var assessment = new Assessment(score, [new CriterionScore("Clarity", score, "evidence")], [], [], "", score >= 70);
                context.PracticeMessages.Add(new PracticeMessage
                {
                    SessionId = s.Id, OrganisationId = org.Id, Sequence = sequence++, Speaker = Speaker.Coach, Kind = MessageKind.Feedback, Text = "Feedback",
                    Assessment = assessment, Scores = CriterionResult.For(s, assessment),
                });
            }
            await context.SaveChangesAsync();
        }

        await using (var asManager = await db.AsAsync(org.Manager))
        {
            var clarity = Assert.Single((await asManager.Get<TeamDashboardService>().GetAsync()).Criteria);
            Assert.Equal(("Clarity", 80, 2), (clarity.Name, clarity.Average, clarity.Samples)); // the team learner's two sessions
        }
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var clarity = Assert.Single((await asAdmin.Get<TeamDashboardService>().GetAsync()).Criteria);
            Assert.Equal(("Clarity", 60, 3), (clarity.Name, clarity.Average, clarity.Samples)); // (80 + 80 + 20) / 3
        }
    }

    [Fact]
    public async Task An_open_dashboard_watches_exactly_the_learners_it_shows()
    {
        await using (var asManager = await db.AsAsync(org.Manager))
        {
            var dashboard = asManager.Get<TeamDashboardService>();
            Assert.True(await dashboard.WatchesAsync(org.Learner.Id)); // in the team the manager leads
            Assert.False(await dashboard.WatchesAsync(outsider.Id)); // same organisation, in no team of theirs
        }
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var dashboard = asAdmin.Get<TeamDashboardService>();
            Assert.True(await dashboard.WatchesAsync(org.Learner.Id));
            Assert.True(await dashboard.WatchesAsync(outsider.Id)); // every learner of the organisation
            Assert.False(await dashboard.WatchesAsync(org.Manager.Id)); // staff are not on the dashboard
        }
        var otherManager = await db.AddMemberAsync(org.Id, OrgRole.Manager, "Other manager");
        await using (var asOther = await db.AsAsync(otherManager))
            Assert.False(await asOther.Get<TeamDashboardService>().WatchesAsync(org.Learner.Id));
        var globex = await db.CreateOrganisationAsync("Globex");
        await using (var asGlobex = await db.AsAsync(globex.Admin))
            Assert.False(await asGlobex.Get<TeamDashboardService>().WatchesAsync(org.Learner.Id));
        await using (var asLearner = await db.AsAsync(org.Learner))
            await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<TeamDashboardService>().WatchesAsync(org.Learner.Id));
    }

    private static async Task<List<object?[]>> RowsAsync(ExportTable table)
    {
        var rows = new List<object?[]>();
        await foreach (var row in table.Rows) rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task The_session_log_lists_every_session_the_caller_may_see_oldest_first()
    {
        await using (var asManager = await db.AsAsync(org.Manager))
        {
            var table = await asManager.Get<TeamDashboardService>().SessionsAsync();
            Assert.Equal(15, table.Columns.Count);
            var rows = await RowsAsync(table);
            // Only the team learner's three sessions: 20 and 10 days ago (completed), 9 days ago (in progress).
            Assert.Equal([("Trial pack", "Completed", 60), ("Trial pack", "Completed", 80), ("Refund", "In progress", (int?)null)],
                rows.Select(r => ((string)r[3]!, (string)r[4]!, (int?)r[12])));
            Assert.All(rows, r => Assert.Equal(("Learner of Acme", "Closers"), ((string)r[0]!, (string)r[2]!)));
        }
        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var rows = await RowsAsync(await asAdmin.Get<TeamDashboardService>().SessionsAsync());
            Assert.Equal(4, rows.Count);
            Assert.Equal("Outside the team", rows[^1][0]);
            Assert.Equal("", rows[^1][2]); // in no team
        }
        await using (var asLearner = await db.AsAsync(org.Learner))
            await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<TeamDashboardService>().SessionsAsync());
        var globex = await db.CreateOrganisationAsync("Globex");
        await using (var asGlobex = await db.AsAsync(globex.Admin))
            Assert.Empty(await RowsAsync(await asGlobex.Get<TeamDashboardService>().SessionsAsync()));
    }

    [Fact]
    public async Task The_session_log_opens_in_excel_with_typed_cells()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        using var stream = new MemoryStream();
        await TableExport.WriteAsync(await asAdmin.Get<TeamDashboardService>().SessionsAsync(), ExportFormat.Excel, stream);
        stream.Position = 0;
        using var workbook = new ClosedXML.Excel.XLWorkbook(stream);
        var sheet = workbook.Worksheet("Sessions");
        Assert.Equal(5, sheet.LastRowUsed().RowNumber()); // header and four sessions
        Assert.Equal("Learner", sheet.Cell(1, 1).GetString());
        Assert.Equal(ClosedXML.Excel.XLDataType.DateTime, sheet.Cell(2, 6).DataType);
        Assert.Equal(db.Clock.GetUtcNow().AddDays(-20).UtcDateTime, sheet.Cell(2, 6).GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(60, sheet.Cell(2, 13).GetDouble());
        Assert.True(sheet.Cell(4, 7).IsEmpty()); // the unfinished session has no completion time
    }
}

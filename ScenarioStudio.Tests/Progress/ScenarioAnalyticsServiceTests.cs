using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Progress;

public sealed class ScenarioAnalyticsServiceTests : PracticeTestBase
{
    [Fact]
    public async Task Attempts_completion_criteria_and_the_hardest_phase_match_hand_counted_sessions()
    {
        // Two sessions played well to the end, one abandoned after the opening of phase 1.
        var scores = new List<int>();
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var practice = asLearner.Get<PracticeService>();
            for (var i = 0; i < 2; i++)
                scores.Add((await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => Scenario.Phases[v.PhaseIndex].IdealResponse))
                    .OverallScore!.Value);
            var abandoned = await practice.StartAsync(ScenarioId);
            await RunAiAsync(practice, abandoned);
        }

        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var a = await asCreator.Get<ScenarioAnalyticsService>().GetAsync(ScenarioId);

        Assert.Equal((3, 2, 67), (a.Attempts, a.Completed, a.CompletionPercent));
        Assert.Equal((int)Math.Round(scores.Average()), a.AverageScore);
        Assert.Equal(Scenario.Rubric.Select(r => r.Name).Order(), a.Criteria.Select(c => c.Name).Order());
        Assert.All(a.Criteria, c => Assert.Equal(4, c.Samples)); // 2 sessions × 2 phases × the first try (repeats show improvement, not skill)
        Assert.Equal([3, 2], a.Phases.Select(p => p.Reached));
        Assert.Equal([1, 0], a.Phases.Select(p => p.StoppedHere));
        Assert.Equal([0.7, 1.0], a.Phases.Select(p => p.AverageTurns)); // 2 answers over 3 sessions reaching phase 1
        Assert.Equal(0, a.Hardest!.Index);
    }

    [Fact]
    public async Task Objectives_missed_per_phase_are_counted_in_sql_without_reading_every_session()
    {
        // 200 sessions of the scenario: 100 done that missed phase 2, 50 done that missed both, 50 stopped in phase 2
        // after missing phase 1. Sessions of another scenario and of another organisation must not count.
        var globex = await Db.CreateOrganisationAsync("Globex");
        var now = Db.Clock.GetUtcNow();
        PracticeSession Session(Guid organisation, int scenario, bool done, params PhaseOutcome[] outcomes) => new()
        {
            OrganisationId = organisation, UserId = Org.Learner.Id, ScenarioId = scenario, ScenarioTitle = "Trial pack objection",
            Stage = done ? SessionStage.Completed : SessionStage.LearnerAnswer, PhaseIndex = done ? 0 : 1, Outcomes = [.. outcomes],
            OverallScore = done ? 50 : null, StartedAt = now, UpdatedAt = now, CompletedAt = done ? now : null,
        };
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            context.PracticeSessions.AddRange(Enumerable.Range(0, 100).Select(_ => Session(Org.Id, ScenarioId, true, PhaseOutcome.Met, PhaseOutcome.Missed)));
            context.PracticeSessions.AddRange(Enumerable.Range(0, 50).Select(_ => Session(Org.Id, ScenarioId, true, PhaseOutcome.Missed, PhaseOutcome.Missed)));
            context.PracticeSessions.AddRange(Enumerable.Range(0, 50)
                .Select(_ => Session(Org.Id, ScenarioId, false, PhaseOutcome.Missed, PhaseOutcome.Pending)));
            context.PracticeSessions.AddRange(Enumerable.Range(0, 5)
                .Select(_ => Session(Org.Id, ScenarioId + 1000, true, PhaseOutcome.Missed, PhaseOutcome.Missed)));
            context.PracticeSessions.AddRange(Enumerable.Range(0, 5)
                .Select(_ => Session(globex.Id, ScenarioId, true, PhaseOutcome.Missed, PhaseOutcome.Missed)));
            await context.SaveChangesAsync();
        }

        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        using var sql = Db.Sql.Capture();
        var a = await asCreator.Get<ScenarioAnalyticsService>().GetAsync(ScenarioId);

        Assert.Equal((200, 150, 75), (a.Attempts, a.Completed, a.CompletionPercent));
        Assert.Equal([100, 150], a.Phases.Select(p => p.Missed));
        Assert.Equal([200, 200], a.Phases.Select(p => p.Reached));
        Assert.Equal([0, 50], a.Phases.Select(p => p.StoppedHere));
        Assert.Equal(1, a.Hardest!.Index);
        Assert.True(sql.MaxRowsRead <= 10, sql.Describe()); // a row per phase, group or criterion: never a row per session
    }

    [Fact]
    public async Task Only_the_creator_and_admins_see_a_scenarios_analytics()
    {
        await using (var asAdmin = await Db.AsAsync(Org.Admin)) await asAdmin.Get<ScenarioAnalyticsService>().GetAsync(ScenarioId);
        foreach (var user in new[] { Org.Learner, Org.Reviewer, Org.Manager })
        {
            await using var scope = await Db.AsAsync(user);
            await Assert.ThrowsAsync<ForbiddenException>(() => scope.Get<ScenarioAnalyticsService>().GetAsync(ScenarioId));
        }
        var globex = await Db.CreateOrganisationAsync("Globex");
        await using var asGlobex = await Db.AsAsync(globex.Admin);
        await Assert.ThrowsAsync<ForbiddenException>(() => asGlobex.Get<ScenarioAnalyticsService>().GetAsync(ScenarioId));
    }
}

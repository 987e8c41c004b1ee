using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Progress;

public sealed class ProgressServiceTests : PracticeTestBase
{
    private async Task<int> CompleteSessionAsync(PracticeService practice, bool well)
    {
        var id = await practice.StartAsync(ScenarioId);
        var done = await practice.CompleteAsync(id,
            view => well ? Scenario.Phases[view.PhaseIndex].IdealResponse : "Okay, fine, whatever you think is best for now.");
        return done.XpEarned;
    }

    [Fact]
    public async Task XP_level_streak_and_achievements_come_from_completed_sessions()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var progress = asLearner.Get<ProgressService>();

        var empty = await progress.GetMineAsync();
        Assert.Equal((0, 1, 0, 0), (empty.Xp, empty.Level, empty.Streak, empty.CompletedSessions));
        Assert.All(empty.Achievements, a => Assert.False(a.Earned));

        var xp = 0;
        for (var day = 0; day < 7; day++)
        {
            xp += await CompleteSessionAsync(practice, well: true);
            Db.Clock.Advance(TimeSpan.FromDays(1));
        }
        Db.Clock.Advance(TimeSpan.FromDays(-1)); // "now" is the day of the last session

        var p = await progress.GetMineAsync();
        Assert.Equal(7, p.CompletedSessions);
        Assert.Equal(xp, p.Xp);
        Assert.Equal(ProgressRules.LevelFor(xp), p.Level);
        Assert.Equal(7, p.Streak);
        Assert.Equal(7, p.Trend.Count);
        var earned = p.Achievements.Where(a => a.Earned).Select(a => a.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "first-session", "five-sessions", "streak-7", "score-90", "all-phases" }, earned);
        Assert.Equal(3, p.Strengths.Count);
        Assert.All(p.Strengths, c => Assert.Contains(c.Name, Scenario.Rubric.Select(r => r.Name)));
        Assert.NotEmpty(p.Recent);
    }

    [Fact]
    public async Task A_weak_session_is_suggested_again_and_lowers_the_average()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        await CompleteSessionAsync(practice, well: false);
        var p = await asLearner.Get<ProgressService>().GetMineAsync();
        Assert.True(p.AverageScore < 70);
        Assert.Contains(p.Next, s => s.ScenarioId == ScenarioId && s.Reason.Contains("under 70"));
        Assert.NotEmpty(p.Weaknesses);
        Assert.DoesNotContain(p.Achievements, a => a.Key == "score-90" && a.Earned);
    }

    [Fact]
    public async Task Progress_is_per_learner()
    {
        await using (var asLearner = await Db.AsAsync(Org.Learner))
            await CompleteSessionAsync(asLearner.Get<PracticeService>(), well: true);
        await using var asOther = await Db.AsAsync(Org.Reviewer);
        Assert.Equal(0, (await asOther.Get<ProgressService>().GetMineAsync()).CompletedSessions);
    }
}

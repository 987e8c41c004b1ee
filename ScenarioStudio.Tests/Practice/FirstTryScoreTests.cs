using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>
/// Issue 14.1: the first try is the skill measure. Reciting the better version on the repeat no longer lifts the
/// session score, the XP or the dashboards' criterion rows; such a repeat is marked as a copy; a phase whose first
/// try met the objective may move on without a repeat; older sessions are rescored by a migration.
/// </summary>
public sealed class FirstTryScoreTests : PracticeTestBase
{
    private const string Weak = "Ok.";

    /// <summary>Answers weakly first, then recites the better version the coach showed.</summary>
    private static string WeakThenCopy(SessionView view) => view.Stage == SessionStage.LearnerRepeat
        ? view.Messages.Last(m => m.Assessment is not null).Assessment!.BetterVersion
        : Weak;

    [Fact]
    public async Task Reciting_the_better_version_on_the_repeat_does_not_lift_the_session_score()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);

        var done = await practice.CompleteAsync(id, WeakThenCopy);

        var feedback = done.Messages.Where(m => m.Assessment is not null).ToList();
        var firstTries = PracticeSummary.FirstTryFeedback(done.Messages).ToList();
        var repeats = feedback.Except(firstTries).ToList();
        Assert.NotEmpty(repeats);
        Assert.All(repeats, r => Assert.True(r.Assessment!.CopiedBetterVersion, "a recited better version is marked as a copy"));
        Assert.All(firstTries, f => Assert.False(f.Assessment!.CopiedBetterVersion));
        Assert.True(repeats.Max(r => r.Assessment!.Overall) > firstTries.Max(f => f.Assessment!.Overall) + 30, "the copy itself scores high");

        var expected = (int)Math.Round(Enumerable.Range(0, Scenario.Phases.Count)
            .Average(p => firstTries.Where(f => f.PhaseIndex == p).Select(f => f.Assessment!.Overall).DefaultIfEmpty(0).Max()), MidpointRounding.AwayFromZero);
        Assert.Equal(expected, done.OverallScore);
        Assert.Equal((int)Math.Round(Scenario.XpReward * expected / 100.0), done.XpEarned);
        var summary = PracticeSummary.Build(done);
        Assert.Equal(expected, summary.Overall);
        Assert.All(summary.Phases, p => Assert.True(p.RepeatCopied));

        // Only the first tries' criterion rows reach the dashboards.
        await using var context = await Db.OpenUnfilteredAsync();
        var rowMessages = await context.CriterionResults.Where(r => r.SessionId == id).Select(r => r.MessageId).Distinct().ToListAsync();
        Assert.Equal(firstTries.Select(f => f.Id).Order(), rowMessages.Order());
    }

    [Fact]
    public async Task A_repeat_in_the_learners_own_words_is_not_marked_as_a_copy()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, Weak);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, "I see why a small pack feels safer. Let me suggest a short pilot instead, so you can judge the results.");
        var (_, saved) = await RunAiAsync(practice, id);

        Assert.False(saved.Assessment!.CopiedBetterVersion);
    }

    [Fact]
    public async Task A_first_try_that_met_the_objective_may_move_on_without_a_repeat()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, Scenario.Phases[0].IdealResponse);
        await RunAiAsync(practice, id);

        var view = await practice.GetAsync(id);
        Assert.Equal(SessionStage.LearnerRepeat, view.Stage);
        Assert.True(view.MayMoveOn);
        await practice.MoveOnAsync(id);

        view = await practice.GetAsync(id);
        Assert.Equal((1, SessionStage.CustomerTurn, PhaseOutcome.Met), (view.PhaseIndex, view.Stage, view.Outcomes[0]));
    }

    [Fact]
    public async Task A_first_try_that_missed_the_objective_must_be_repeated()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, Weak);
        await RunAiAsync(practice, id);

        Assert.False((await practice.GetAsync(id)).MayMoveOn);
        await Assert.ThrowsAsync<ValidationFailedException>(() => practice.MoveOnAsync(id));
        Assert.Equal(SessionStage.LearnerRepeat, (await practice.GetAsync(id)).Stage);
    }

    [Fact]
    [Trait("Engine", "Sqlite")] // SQLite's migration history; PostgreSQL's schema starts at one migration
    public async Task The_migration_rescores_sessions_practised_before_it_on_their_first_tries()
    {
        Guid id;
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var practice = asLearner.Get<PracticeService>();
            id = await practice.StartAsync(ScenarioId);
            await practice.CompleteAsync(id, WeakThenCopy);
        }
        int firstTryScore, firstTryXp;
        List<(string, long, int)> totals;
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var session = await context.PracticeSessions.Include(s => s.Messages).SingleAsync(s => s.Id == id);
            (firstTryScore, firstTryXp) = (session.OverallScore!.Value, session.XpEarned);
            totals = Totals(context);
            // As the old code left it: the best of any attempt as the score, and criterion rows for the repeats too.
            session.OverallScore = 96;
            session.XpEarned = 96;
            foreach (var repeat in session.Messages.Where(m => m.Assessment is not null).Except(PracticeSummary.FirstTryFeedback(session.Messages)))
                repeat.Scores = CriterionResult.For(session, repeat.Assessment!);
            await context.SaveChangesAsync();
            Assert.NotEqual(totals, Totals(context));

            await using var migrating = await Db.Services.GetRequiredService<IDbContextFactory<ScenarioStudio.Data.AppDbContext>>().CreateDbContextAsync();
            var migrator = migrating.GetService<IMigrator>();
            await migrator.MigrateAsync("20261201090848_AiLastProblem");
            await migrator.MigrateAsync();
        }
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var session = await context.PracticeSessions.AsNoTracking().SingleAsync(s => s.Id == id);
            Assert.Equal((firstTryScore, firstTryXp), (session.OverallScore, session.XpEarned));
            Assert.Equal(totals, Totals(context));
        }
    }

    private List<(string, long, int)> Totals(ScenarioStudio.Data.AppDbContext context) =>
        context.CriterionTotals.AsNoTracking().Where(t => t.UserId == Org.Learner.Id).AsEnumerable()
            .OrderBy(t => t.Criterion).Select(t => (t.Criterion, t.Total, t.Samples)).ToList();
}

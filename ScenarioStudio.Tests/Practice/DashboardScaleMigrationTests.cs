using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>
/// The DashboardScale migration fills the criterion rows and answer counts for sessions practised before it. SQLite's
/// migration history: left out of the PostgreSQL pass (<c>Engine!=Sqlite</c>), whose schema starts at one migration.
/// </summary>
[Trait("Engine", "Sqlite")]
public sealed class DashboardScaleMigrationTests : PracticeTestBase
{
    [Fact]
    public async Task Migrating_an_existing_database_backfills_criterion_rows_and_answer_counts()
    {
        Guid id;
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            var practice = asLearner.Get<PracticeService>();
            id = await practice.StartAsync(ScenarioId);
            await practice.CompleteAsync(id, v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        }
        List<(long, string, int)> written;
        int answers;
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            written = context.CriterionResults.Where(r => r.SessionId == id).OrderBy(r => r.MessageId).ThenBy(r => r.Id)
                .AsEnumerable().Select(r => (r.MessageId, r.Criterion, r.Score)).ToList();
            answers = context.PracticeSessions.Single(s => s.Id == id).Answers;
            Assert.NotEmpty(written);

            // Back to the schema before it (the table and column are dropped), then forward again. Migrations belong
            // to AppDbContext (the system's context shares its model but not its migrations).
            await using var migrating = await Db.Services.GetRequiredService<IDbContextFactory<ScenarioStudio.Data.AppDbContext>>().CreateDbContextAsync();
            var migrator = migrating.GetService<IMigrator>();
            await migrator.MigrateAsync("20261123055108_ScenarioFilterIndexes");
            await migrator.MigrateAsync();
        }
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var backfilled = context.CriterionResults.Where(r => r.SessionId == id).OrderBy(r => r.MessageId).ThenBy(r => r.Id)
                .AsEnumerable().Select(r => (r.MessageId, r.Criterion, r.Score)).ToList();
            Assert.Equal(written, backfilled);
            Assert.All(context.CriterionResults.Where(r => r.SessionId == id), r => Assert.Equal((Org.Learner.Id, ScenarioId), (r.UserId, r.ScenarioId)));
            Assert.Equal(answers, context.PracticeSessions.Single(s => s.Id == id).Answers);
            // The running totals are rebuilt from the rows.
            var totals = context.CriterionTotals.Where(t => t.UserId == Org.Learner.Id).AsEnumerable().OrderBy(t => t.Criterion)
                .Select(t => (t.Criterion, t.Total, t.Samples));
            var expected = backfilled.GroupBy(r => r.Item2).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Sum(r => r.Item3), g.Count()));
            Assert.Equal(expected, totals);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Experiments;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Programs;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Practice;

namespace ScenarioStudio.Tests.Experiments;

public sealed class ExperimentServiceTests : PracticeTestBase
{
    private const string BetterOpening = "I only want a tiny trial pack, nothing more.";

    /// <summary>Variant B of the base's scenario, with a changed opening, published; its id.</summary>
    private async Task<int> PublishedVariantAsync()
    {
        int id;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            id = await asCreator.Get<ExperimentService>().CreateVariantAsync(ScenarioId);
            var scenarios = asCreator.Scenarios();
            var details = await scenarios.Queries.GetAsync(id);
            Assert.Equal(ScenarioStatus.Draft, details.Status);
            var doc = details.Document;
            doc.Phases[0].CustomerOpening = BetterOpening;
            await scenarios.Commands.UpdateAsync(id, doc, details.Visibility, details.Revision);
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<ScenarioLifecycle>().PublishAsync(id);
        return id;
    }

    private async Task<Guid> StartAsync(int variantId, int percentB = 50)
    {
        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var experiments = asCreator.Get<ExperimentService>();
        Assert.Contains(await experiments.CandidatesAsync(), c => c.ScenarioAId == ScenarioId && c.ScenarioBId == variantId);
        return await experiments.StartAsync(new ExperimentInput(variantId, "Softer opening", percentB));
    }

    [Fact]
    public void The_split_is_stable_and_gives_B_its_share_of_10000_learners()
    {
        var experiment = Guid.Parse("3f0c2a9e-5b1d-4c77-9a61-0d2f4e8b7c15");
        var learners = Enumerable.Range(0, 10_000).Select(i => $"learner-{i}-{i * 7919 % 10_007}").ToList();
        foreach (var percent in new[] { 50, 20, 90 })
        {
            var first = learners.Select(l => VariantSplit.VariantFor(experiment, l, percent)).ToList();
            // The same learner always gets the same variant.
            Assert.Equal(first, learners.Select(l => VariantSplit.VariantFor(experiment, l, percent)));
            // Binomial(10,000, p): five standard deviations either side, which a uniform hash misses with probability < 1e-6.
            var p = percent / 100.0;
            var tolerance = 5 * Math.Sqrt(10_000 * p * (1 - p));
            Assert.InRange(first.Count(v => v == "B"), 10_000 * p - tolerance, 10_000 * p + tolerance);
        }
        // Another experiment splits the same people independently: about half agree, not all.
        var other = Guid.Parse("a1b2c3d4-0000-4000-8000-000000000001");
        var agree = learners.Count(l => VariantSplit.VariantFor(experiment, l, 50) == VariantSplit.VariantFor(other, l, 50));
        Assert.InRange(agree, 5_000 - 250, 5_000 + 250);
        // A bucket is in range and a learner in B at 20 % stays in B at 50 % (buckets below the cut-off get B).
        Assert.All(learners.Take(500), l => Assert.InRange(VariantSplit.BucketOf(experiment, l), 0, VariantSplit.Buckets - 1));
        Assert.All(learners.Where(l => VariantSplit.VariantFor(experiment, l, 20) == "B"), l => Assert.Equal("B", VariantSplit.VariantFor(experiment, l, 50)));
    }

    [Fact]
    public void Welchs_test_matches_the_textbook_example()
    {
        // Wikipedia, "Welch's t-test", Examples, first pair of samples: the article gives t = −2.46, ν ≈ 24.9 (24.99 by the
        // Welch–Satterthwaite formula) and a two-sided p = 0.021. t and ν below were recomputed by hand from the formulas.
        double[] a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
        double[] a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
        var result = ExperimentStatistics.Welch(a1, a2);
        Assert.Equal(-2.455356, result.T, 5);
        Assert.Equal(24.988529, result.DegreesOfFreedom, 5);
        Assert.Equal(0.021, result.P, 3);
        // Swapping the samples changes the sign, not the p-value.
        var swapped = ExperimentStatistics.Welch(a2, a1);
        Assert.Equal((-result.T, result.P), (swapped.T, swapped.P));
        // Identical samples: nothing to tell apart.
        Assert.Equal(1, ExperimentStatistics.Welch([70, 70, 70], [70, 70, 70]).P);
    }

    [Fact]
    public void The_verdict_says_plainly_when_there_is_not_enough_data_and_which_variant_scores_higher()
    {
        var few = Enumerable.Repeat(70.0, ExperimentService.MinLearnersPerVariant - 1).ToList();
        var enough = Enumerable.Range(0, 12).Select(i => 60.0 + i % 5).ToList();
        var (test, verdict) = ExperimentService.Judge(few, enough);
        Assert.Null(test);
        Assert.Equal(
            $"Not enough data yet: at least {ExperimentService.MinLearnersPerVariant} learners with a completed session per variant (A has 9, B has 12).",
            verdict);
        var higher = enough.Select(s => s + 15).ToList();
        Assert.StartsWith("B scores higher (p ", ExperimentService.Judge(enough, higher).Verdict);
        Assert.StartsWith("A scores higher (p ", ExperimentService.Judge(higher, enough).Verdict);
        var mixed = enough.Select((s, i) => s + (i % 2 == 0 ? 1 : -1)).ToList();
        Assert.StartsWith("No significant difference yet (p = ", ExperimentService.Judge(enough, mixed).Verdict);
    }

    [Fact]
    public async Task Learners_always_practise_their_own_variant_whichever_of_the_two_they_open_and_sessions_record_it()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        var learners = new List<Account.ApplicationUser> { Org.Learner };
        for (var i = 0; i < 5; i++) learners.Add(await Db.AddMemberAsync(Org.Id, OrgRole.Learner, $"Learner {i}"));
        foreach (var learner in learners)
        {
            var expected = VariantSplit.VariantFor(experimentId, learner.Id, 50);
            await using var asLearner = await Db.AsAsync(learner);
            var practice = asLearner.Get<PracticeService>();
            foreach (var opened in new[] { ScenarioId, variantId, ScenarioId })
            {
                var view = await practice.GetAsync(await practice.StartAsync(opened));
                Assert.Equal(expected == "B" ? variantId : ScenarioId, view.ScenarioId);
                Assert.Equal(expected == "B" ? BetterOpening : "Opening line 1", view.Scenario.Phases[0].CustomerOpening);
            }
        }
        await using var context = await Db.OpenUnfilteredAsync();
        var sessions = await context.PracticeSessions.Where(s => s.ExperimentId == experimentId).ToListAsync();
        Assert.Equal(learners.Count * 3, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(VariantSplit.VariantFor(experimentId, s.UserId, 50), s.Variant));
    }

    [Fact]
    public async Task The_report_compares_the_variants_on_completion_scores_criteria_and_turns()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        // Two real sessions through the practice loop (criterion rows and all), one per learner, in whatever arm each gets.
        var practised = new Dictionary<string, int>();
        foreach (var learner in new[] { Org.Learner, await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Second") })
        {
            await using var asLearner = await Db.AsAsync(learner);
            var practice = asLearner.Get<PracticeService>();
            var done = await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
            var arm = VariantSplit.VariantFor(experimentId, learner.Id, 50);
            practised[arm] = practised.GetValueOrDefault(arm) + 1;
            Assert.NotNull(done.OverallScore);
        }
        // An abandoned session counts as started, not completed.
        await using (var asLearner = await Db.AsAsync(Org.Learner))
            await asLearner.Get<PracticeService>().StartAsync(ScenarioId);
        var abandonedArm = VariantSplit.VariantFor(experimentId, Org.Learner.Id, 50);

        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var report = await asCreator.Get<ExperimentService>().GetAsync(experimentId);
        foreach (var figures in new[] { report.A, report.B })
        {
            var completed = practised.GetValueOrDefault(figures.Variant);
            var started = completed + (figures.Variant == abandonedArm ? 1 : 0);
            Assert.Equal((started, completed), (figures.Sessions, figures.Completed));
            if (completed == 0) { Assert.Null(figures.AverageScore); continue; }
            Assert.Equal((double)completed / started, figures.CompletionRate);
            Assert.InRange(figures.AverageScore!.Value, 1, 100);
            Assert.True(figures.AverageTurns >= 2, "Two phases: at least an answer each.");
        }
        Assert.Equal(RubricDefaults.NewDocument(ScenarioDomain.Sales).Rubric.Select(c => c.Name).Order(StringComparer.OrdinalIgnoreCase),
            report.Criteria.Select(c => c.Criterion));
        Assert.Null(report.Test);
        Assert.StartsWith("Not enough data yet", report.Verdict);
    }

    [Fact]
    public async Task A_learner_the_experiment_gives_B_completes_an_assignment_and_a_program_day_of_A()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId, percentB: 90);
        var inB = Org.Learner;
        for (var n = 0; VariantSplit.VariantFor(experimentId, inB.Id, 90) != "B"; n++)
            inB = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, $"Variant learner {n}");
        var today = DateOnly.FromDateTime(Db.Clock.GetUtcNow().UtcDateTime);
        Guid enrolmentId;
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            var teamId = await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Variant team", null, [inB.Id]));
            await asAdmin.Get<AssignmentService>().CreateAsync(new AssignmentInput(teamId, ScenarioId, today.AddDays(3), null));
            var programId = await asAdmin.Get<ProgramService>().CreateAsync(new ProgramInput("Variant program", "",
                [new ProgramDayInput("Price talk", [ScenarioId], 0, UnlockRule.OnDate)]));
            enrolmentId = await asAdmin.Get<EnrolmentService>().EnrolAsync(new EnrolmentInput(programId, teamId, today, null));
        }
        await using (var asLearner = await Db.AsAsync(inB))
        {
            var practice = asLearner.Get<PracticeService>();
            var done = await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
            Assert.Equal(variantId, done.ScenarioId);
            Assert.Equal(AssignmentState.Done, (await asLearner.Get<AssignmentService>().ListMineAsync()).Single(a => a.ScenarioId == ScenarioId).State);
            Assert.True((await asLearner.Get<EnrolmentService>().GetMineAsync(enrolmentId)).Days[0].IsDone);
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            Assert.Equal(1, (await asAdmin.Get<AssignmentService>().ListAsync()).Single(a => a.ScenarioId == ScenarioId).Done);
            Assert.True((await asAdmin.Get<EnrolmentService>().GridAsync(enrolmentId)).Rows.Single().Days[0].IsDone);
        }
    }

    [Fact]
    public async Task Criterion_averages_are_the_experiments_criterion_rows_and_follow_a_deleted_session()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        var learners = new List<ApplicationUser> { Org.Learner };
        for (var i = 0; i < 5; i++) learners.Add(await Db.AddMemberAsync(Org.Id, OrgRole.Learner, $"Criteria learner {i}"));
        foreach (var learner in learners)
        {
            await using var asLearner = await Db.AsAsync(learner);
            var practice = asLearner.Get<PracticeService>();
            // Different answers give different criterion scores: the ideal response, or its first sentence.
            await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => learner == Org.Learner
                ? v.Scenario.Phases[v.PhaseIndex].IdealResponse : v.Scenario.Phases[v.PhaseIndex].IdealResponse.Split('.')[0]);
        }

        async Task AssertTotalsMatchRowsAsync()
        {
            await using var context = await Db.OpenUnfilteredAsync();
            var rows = await context.CriterionResults.Join(context.PracticeSessions.Where(s => s.ExperimentId == experimentId),
                r => r.SessionId, s => s.Id, (r, s) => new { s.Variant, r.Criterion, r.Score }).ToListAsync();
            Assert.NotEmpty(rows);
            await using var asCreator = await Db.AsAsync(Org.ContentManager);
            var report = await asCreator.Get<ExperimentService>().GetAsync(experimentId);
            foreach (var c in report.Criteria)
                foreach (var (variant, average, samples) in new[] { ("A", c.AverageA, c.SamplesA), ("B", c.AverageB, c.SamplesB) })
                {
                    var scores = rows.Where(r => r.Variant == variant && r.Criterion == c.Criterion).Select(r => (double)r.Score).ToList();
                    Assert.Equal(scores.Count, samples);
                    if (scores.Count == 0) Assert.Null(average);
                    else Assert.Equal(scores.Average(), average!.Value, 9);
                }
        }

        await AssertTotalsMatchRowsAsync();
        // A learner's account (and with it their sessions, messages and criterion rows) deleted: the totals lose them too.
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var gone = await context.PracticeSessions.FirstAsync(s => s.ExperimentId == experimentId && s.UserId == Org.Learner.Id);
            context.PracticeSessions.Remove(gone);
            await context.SaveChangesAsync();
        }
        await AssertTotalsMatchRowsAsync();
    }

    [Fact]
    public async Task With_enough_learners_the_test_runs_on_their_mean_scores()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        // Twelve learners a side with known scores (rows written directly: the test is of the report, not of practice).
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            var now = Db.Clock.GetUtcNow();
            PracticeSession Row(string variant, int learner, int score, int answers) => new()
            {
                OrganisationId = Org.Id, UserId = $"{variant}-learner-{learner}", ScenarioId = variant == "A" ? ScenarioId : variantId,
                ScenarioTitle = variant, ExperimentId = experimentId, Variant = variant, StartedAt = now, UpdatedAt = now, CompletedAt = now,
                OverallScore = score, Answers = answers, Stage = SessionStage.Completed,
            };
            for (var i = 0; i < 12; i++)
            {
                // Each A learner twice (60 + i%4 and 62 + i%4: mean 61 + i%4), each B learner once at 70 + i%4.
                context.PracticeSessions.AddRange(Row("A", i, 60 + i % 4, 4), Row("A", i, 62 + i % 4, 6), Row("B", i, 70 + i % 4, 3));
            }
            await context.SaveChangesAsync();
        }
        await using var asCreator = await Db.AsAsync(Org.ContentManager);
        var report = await asCreator.Get<ExperimentService>().GetAsync(experimentId);
        Assert.Equal((12, 24, 24, 5.0), (report.A.Learners, report.A.Sessions, report.A.Completed, report.A.AverageTurns!.Value));
        Assert.Equal((12, 12, 3.0), (report.B.Learners, report.B.Sessions, report.B.AverageTurns!.Value));
        Assert.Equal(62.5, report.A.AverageScore!.Value, 6);
        Assert.Equal(71.5, report.B.AverageScore!.Value, 6);
        var expected = ExperimentStatistics.Welch(Enumerable.Range(0, 12).Select(i => 61.0 + i % 4).ToList(),
            Enumerable.Range(0, 12).Select(i => 70.0 + i % 4).ToList());
        Assert.Equal(expected, report.Test);
        Assert.True(report.Test!.P < 0.001);
        Assert.Equal("B scores higher (p < 0.001).", report.Verdict);
    }

    [Fact]
    public async Task Ending_with_B_publishes_its_content_as_As_next_version_and_archives_B()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        int liveBefore;
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            liveBefore = (await asAdmin.Scenarios().Queries.GetAsync(ScenarioId)).LiveVersion!.Value;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var experiments = asCreator.Get<ExperimentService>();
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.EndAsync(experimentId, "C"));
            await experiments.EndAsync(experimentId, "B");
            var report = await experiments.GetAsync(experimentId);
            Assert.Equal((ExperimentStatus.Ended, "B"), (report.Status, report.Winner));
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.EndAsync(experimentId, "A"));
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
        {
            var queries = asAdmin.Scenarios().Queries;
            var a = await queries.GetAsync(ScenarioId);
            Assert.Equal((ScenarioStatus.Published, liveBefore + 1, "Trial pack objection"), (a.Status, a.LiveVersion, a.Document.Title));
            Assert.Equal(BetterOpening, a.Document.Phases[0].CustomerOpening);
            Assert.Equal(ScenarioStatus.Archived, (await queries.GetAsync(variantId)).Status);
        }
        // Learners opening A now practise B's content, outside any experiment.
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var view = await practice.GetAsync(await practice.StartAsync(ScenarioId));
        Assert.Equal((ScenarioId, BetterOpening), (view.ScenarioId, view.Scenario.Phases[0].CustomerOpening));
        await Assert.ThrowsAsync<ForbiddenException>(() => practice.StartAsync(variantId));
    }

    [Fact]
    public async Task Ending_with_A_keeps_A_as_it_is_and_archives_B()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
            await asCreator.Get<ExperimentService>().EndAsync(experimentId, "A");
        await using var asAdmin = await Db.AsAsync(Org.Admin);
        var queries = asAdmin.Scenarios().Queries;
        var a = await queries.GetAsync(ScenarioId);
        Assert.Equal((ScenarioStatus.Published, 1, "Opening line 1"), (a.Status, a.LiveVersion, a.Document.Phases[0].CustomerOpening));
        Assert.Equal(ScenarioStatus.Archived, (await queries.GetAsync(variantId)).Status);
        // The pair may be tested again only with a new variant: the archived one is no candidate.
        Assert.Empty(await asAdmin.Get<ExperimentService>().CandidatesAsync());
    }

    [Fact]
    public async Task Variants_and_experiments_are_refused_when_the_rules_say_no()
    {
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var experiments = asCreator.Get<ExperimentService>();
            var variantId = await experiments.CreateVariantAsync(ScenarioId);
            // One live variant at a time, never a variant of a variant, and only of what is published.
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.CreateVariantAsync(ScenarioId));
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.CreateVariantAsync(variantId));
            var draft = await asCreator.Scenarios().Commands.CreateAsync(Scenarios.ScenarioSamples.Publishable("Still a draft"));
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.CreateVariantAsync(draft));
            // B is still a draft: nothing to test yet.
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.StartAsync(new ExperimentInput(variantId, null)));
            Assert.Contains("Publish both", refused.Message);
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<ScenarioLifecycle>().PublishAsync(await ScenarioIdOfVariantAsync());
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
        {
            var experiments = asCreator.Get<ExperimentService>();
            var variantId = await ScenarioIdOfVariantAsync();
            var ratio = await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.StartAsync(new ExperimentInput(variantId, null, 95)));
            Assert.True(ratio.Errors.ContainsKey(nameof(ExperimentInput.PercentB)));
            await experiments.StartAsync(new ExperimentInput(variantId, null, 30));
            await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.StartAsync(new ExperimentInput(variantId, null)));
        }
    }

    private async Task<int> ScenarioIdOfVariantAsync()
    {
        await using var context = await Db.OpenUnfilteredAsync();
        return await context.Scenarios.Where(s => s.VariantOfId == ScenarioId).Select(s => s.Id).SingleAsync();
    }

    [Fact]
    public async Task Only_admins_and_content_managers_run_experiments_and_no_one_sees_another_organisations()
    {
        var variantId = await PublishedVariantAsync();
        var experimentId = await StartAsync(variantId);
        foreach (var (role, user) in Org.Members)
        {
            await using var scope = await Db.AsAsync(user);
            var experiments = scope.Get<ExperimentService>();
            var allowed = role.Can(Permission.RunExperiments);
            Assert.Equal(role is OrgRole.Admin or OrgRole.ContentManager, allowed);
            Assert.Equal(allowed, await Refusals.ServedAsync(() => experiments.ListAsync()));
            Assert.Equal(allowed, await Refusals.ServedAsync(() => experiments.GetAsync(experimentId)));
            Assert.Equal(allowed, await Refusals.ServedAsync(() => experiments.CandidatesAsync()));
            if (!allowed)
            {
                await Assert.ThrowsAsync<ForbiddenException>(() => experiments.EndAsync(experimentId, "A"));
                await Assert.ThrowsAsync<ForbiddenException>(() => experiments.StartAsync(new ExperimentInput(variantId, null)));
            }
            // Making a variant is creating a scenario: creators pass the permission and meet the one-variant rule.
            if (role.Can(Permission.CreateScenario)) await Assert.ThrowsAsync<ValidationFailedException>(() => experiments.CreateVariantAsync(ScenarioId));
            else await Assert.ThrowsAsync<ForbiddenException>(() => experiments.CreateVariantAsync(ScenarioId));
        }

        var globex = await Db.CreateOrganisationAsync("Globex");
        await using var asOutsider = await Db.AsAsync(globex.ContentManager);
        var theirs = asOutsider.Get<ExperimentService>();
        Assert.Empty(await theirs.ListAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.GetAsync(experimentId));
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.EndAsync(experimentId, "B"));
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.CreateVariantAsync(ScenarioId));
        var start = await Assert.ThrowsAsync<ValidationFailedException>(() => theirs.StartAsync(new ExperimentInput(variantId, null)));
        Assert.True(start.Errors.ContainsKey(nameof(ExperimentInput.ScenarioBId)));
        // Their learners practising their own scenarios are in no experiment of ours.
        await using var context = await Db.OpenUnfilteredAsync();
        Assert.Equal(ExperimentStatus.Running, (await context.Experiments.SingleAsync(e => e.Id == experimentId)).Status);
    }
}

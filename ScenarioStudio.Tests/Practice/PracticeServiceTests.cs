using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

public sealed class PracticeServiceTests : PracticeTestBase
{
    [Fact]
    public async Task A_learner_plays_both_phases_with_the_offline_engine_and_gets_a_summary()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);

        var (tokens, opening) = await RunAiAsync(practice, id);
        Assert.Equal(Scenario.Phases[0].CustomerOpening, string.Concat(tokens));
        Assert.Equal((Speaker.Customer, MessageKind.Opening), (opening.Speaker, opening.Kind));

        await practice.SubmitAsync(id, "I understand. Shall we start?");
        var (_, first) = await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, Scenario.Phases[0].IdealResponse);
        var (_, repeat) = await RunAiAsync(practice, id);
        Assert.True(repeat.Assessment!.Overall > first.Assessment!.Overall, $"repeat {repeat.Assessment.Overall} vs first {first.Assessment.Overall}");

        var afterPhase1 = await practice.GetAsync(id);
        Assert.Equal((1, SessionStage.CustomerTurn, PhaseOutcome.Met), (afterPhase1.PhaseIndex, afterPhase1.Stage, afterPhase1.Outcomes[0]));
        var (next, _) = await RunAiAsync(practice, id);
        Assert.EndsWith(Scenario.Phases[1].CustomerOpening, string.Concat(next)); // acknowledgement, then the next opening

        await practice.SubmitAsync(id, Scenario.Phases[1].IdealResponse);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, Scenario.Phases[1].IdealResponse);
        await RunAiAsync(practice, id);

        var done = await practice.GetAsync(id);
        Assert.Equal(SessionStage.Completed, done.Stage);
        Assert.All(done.Outcomes, o => Assert.Equal(PhaseOutcome.Met, o));
        // First tries count: phase 1's weak first answer, phase 2's ideal one; the phase 1 repeat shows the improvement.
        var secondFirstTry = done.Messages.First(m => m.PhaseIndex == 1 && m.Assessment is not null).Assessment!.Overall;
        Assert.Equal((int)Math.Round((first.Assessment.Overall + secondFirstTry) / 2.0, MidpointRounding.AwayFromZero), done.OverallScore);
        Assert.Equal((int)Math.Round(Scenario.XpReward * done.OverallScore!.Value / 100.0), done.XpEarned);
        var summary = PracticeSummary.Build(done);
        Assert.Equal(2, summary.Phases.Count);
        Assert.True(summary.Phases[0].RepeatScore > summary.Phases[0].FirstScore);
        Assert.Equal(Scenario.Rubric.Select(c => c.Name), summary.Criteria.Select(c => c.Name));
        Assert.NotEmpty(summary.PractiseNext);
        Assert.Equal(done.Messages.Select(m => m.Sequence), Enumerable.Range(1, done.Messages.Count));
    }

    [Fact]
    public async Task A_missed_objective_brings_the_next_objection_and_is_missed_after_max_turns()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        await RunAiAsync(practice, id);
        for (var turn = 0; turn < 2; turn++)
        {
            await practice.SubmitAsync(id, "The weather is nice today and football is fun to watch.");
            await RunAiAsync(practice, id);
            await practice.SubmitAsync(id, "Whatever, that is not my problem.");
            await RunAiAsync(practice, id);
            var view = await practice.GetAsync(id);
            if (turn == 0)
            {
                Assert.Equal((0, SessionStage.CustomerTurn), (view.PhaseIndex, view.Stage));
                var (objection, saved) = await RunAiAsync(practice, id);
                var line = string.Concat(objection);
                Assert.EndsWith("Still sounds like a big commitment.", line);
                Assert.NotEqual("Still sounds like a big commitment.", line); // the customer answers the rudeness first
                Assert.Equal(MessageKind.Objection, saved.Kind);
            }
            else
            {
                Assert.Equal((1, PhaseOutcome.Missed), (view.PhaseIndex, view.Outcomes[0]));
            }
        }
    }

    [Fact]
    public async Task Stop_keeps_the_partial_text_marked_as_stopped_and_the_learner_can_go_on()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        using var stop = new CancellationTokenSource();
        var tokens = new List<string>();
        PracticeMessage? saved = null;
        await foreach (var e in practice.StreamAiTurnAsync(id, stop.Token))
        {
            if (e.Token is not null && tokens.Count < 2) { tokens.Add(e.Token); if (tokens.Count == 2) stop.Cancel(); }
            saved ??= e.Saved;
        }
        Assert.NotNull(saved);
        Assert.True(saved.Stopped);
        Assert.Equal(string.Concat(tokens), saved.Text);
        var view = await practice.GetAsync(id);
        Assert.Equal(SessionStage.LearnerAnswer, view.Stage);
        Assert.True(view.Messages.Single().Stopped);
    }

    /// <summary>A new session where the customer has spoken, the learner answered and the coach gave feedback.</summary>
    private async Task<(Guid Id, PracticeMessage Feedback)> FirstFeedbackAsync(PracticeService practice)
    {
        var id = await practice.StartAsync(ScenarioId);
        await RunAiAsync(practice, id);
        await practice.SubmitAsync(id, "I understand you. Shall we talk about a pilot?");
        var (_, feedback) = await RunAiAsync(practice, id);
        return (id, feedback);
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_ai_message()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var (id, feedback) = await FirstFeedbackAsync(practice);

        await practice.RegenerateAsync(id);
        var rewound = await practice.GetAsync(id);
        Assert.Equal(SessionStage.CoachAnswer, rewound.Stage);
        Assert.DoesNotContain(rewound.Messages, m => m.Id == feedback.Id);
        var (_, again) = await RunAiAsync(practice, id);
        Assert.Equal(feedback.Text, again.Text); // deterministic offline coach
        Assert.Equal(3, (await practice.GetAsync(id)).Messages.Count);
    }

    [Fact]
    public async Task Each_kept_assessment_is_stored_as_criterion_rows_that_go_with_a_regenerated_message()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var (id, feedback) = await FirstFeedbackAsync(practice);

        async Task<List<CriterionResult>> RowsAsync()
        {
            await using var context = await Db.OpenUnfilteredAsync();
            return await context.CriterionResults.Where(r => r.SessionId == id).OrderBy(r => r.Id).ToListAsync();
        }
        var rows = await RowsAsync();
        Assert.Equal(feedback.Assessment!.Criteria.Select(c => (c.Name, c.Score)), rows.Select(r => (r.Criterion, r.Score)));
        Assert.All(rows, r => Assert.Equal((feedback.Id, Org.Learner.Id, ScenarioId, Org.Id), (r.MessageId, r.UserId, r.ScenarioId, r.OrganisationId)));

        async Task<int> SamplesAsync()
        {
            await using var context = await Db.OpenUnfilteredAsync();
            return context.CriterionTotals.Where(t => t.UserId == Org.Learner.Id).Sum(t => t.Samples);
        }
        Assert.Equal(rows.Count, await SamplesAsync()); // the running totals follow the rows (database triggers)

        await practice.RegenerateAsync(id);
        Assert.Empty(await RowsAsync()); // deleted with the message
        Assert.Equal(0, await SamplesAsync());
        var (_, again) = await RunAiAsync(practice, id);
        Assert.Equal(again.Assessment!.Criteria.Count, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task The_session_counts_the_learners_answers_and_records_the_engine()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        var view = await practice.CompleteAsync(id, v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);
        await using var context = await Db.OpenUnfilteredAsync();
        var session = context.PracticeSessions.Single(s => s.Id == id);
        Assert.Equal(view.Messages.Count(m => m.Speaker == Speaker.Learner), session.Answers);
        Assert.True(session.Answers >= 4); // an answer and a repeat in each of the two phases
        Assert.Equal("Offline", session.Provider);
    }

    [Fact]
    public async Task Answers_are_refused_out_of_turn_and_when_empty()
    {
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();
        var id = await practice.StartAsync(ScenarioId);
        await Assert.ThrowsAsync<ValidationFailedException>(() => practice.SubmitAsync(id, "Too early"));
        await RunAiAsync(practice, id);
        await Assert.ThrowsAsync<ValidationFailedException>(() => practice.SubmitAsync(id, "   "));
        await Assert.ThrowsAsync<ValidationFailedException>(() => practice.SubmitAsync(id, new string('a', PracticeService.MaxAnswerLength + 1)));
        Assert.Single((await practice.GetAsync(id)).Messages);
    }

    [Fact]
    public async Task Managers_of_the_learners_team_and_admins_can_open_a_session_other_people_cannot()
    {
        Guid id;
        await using (var asLearner = await Db.AsAsync(Org.Learner))
        {
            id = await asLearner.Get<PracticeService>().StartAsync(ScenarioId);
            await RunAiAsync(asLearner.Get<PracticeService>(), id);
        }
        var otherLearner = await Db.AddMemberAsync(Org.Id, OrgRole.Learner, "Other learner");
        var otherManager = await Db.AddMemberAsync(Org.Id, OrgRole.Manager, "Other manager");
        await using (var asAdmin = await Db.AsAsync(Org.Admin))
            await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", Org.Manager.Id, [Org.Learner.Id]));

        await using (var asManager = await Db.AsAsync(Org.Manager))
        {
            var view = await asManager.Get<PracticeService>().GetAsync(id);
            Assert.False(view.IsOwner);
            Assert.Single(await asManager.Get<SessionHistory>().ListForLearnerAsync(Org.Learner.Id));
            await Assert.ThrowsAsync<ForbiddenException>(() => asManager.Get<PracticeService>().SubmitAsync(id, "I take over"));
        }
        await using (var asAdmin = await Db.AsAsync(Org.Admin)) await asAdmin.Get<PracticeService>().GetAsync(id);
        await using (var asOther = await Db.AsAsync(otherLearner))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => asOther.Get<PracticeService>().GetAsync(id));
            await Assert.ThrowsAsync<ForbiddenException>(() => asOther.Get<SessionHistory>().ListForLearnerAsync(Org.Learner.Id));
        }
        await using (var asOtherManager = await Db.AsAsync(otherManager))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => asOtherManager.Get<PracticeService>().GetAsync(id));
            await Assert.ThrowsAsync<ForbiddenException>(() => asOtherManager.Get<SessionHistory>().ListForLearnerAsync(Org.Learner.Id));
        }
        var globex = await Db.CreateOrganisationAsync("Globex");
        await using (var asGlobex = await Db.AsAsync(globex.Admin))
            await Assert.ThrowsAsync<ForbiddenException>(() => asGlobex.Get<PracticeService>().GetAsync(id));
    }

    [Fact]
    public async Task Drafts_cannot_be_practised()
    {
        int draft;
        await using (var asCreator = await Db.AsAsync(Org.ContentManager))
            draft = await asCreator.Get<ScenarioStudio.Scenarios.ScenarioCommands>().CreateAsync(Tests.Scenarios.ScenarioSamples.Publishable("Unfinished"));
        await using var asLearner = await Db.AsAsync(Org.Learner);
        await Assert.ThrowsAsync<ForbiddenException>(() => asLearner.Get<PracticeService>().StartAsync(draft));
    }

    [Fact]
    public async Task The_offline_engine_costs_nothing_so_its_turns_are_neither_limited_nor_counted()
    {
        await using (var context = await Db.OpenUnfilteredAsync())
        {
            context.AiSettings.Add(new OrganisationAiSettings { OrganisationId = Org.Id, Provider = AiProvider.Offline, UserCallsPerMinute = 1,
                OrganisationCallsPerMinute = 1 });
            await context.SaveChangesAsync();
        }
        await using var asLearner = await Db.AsAsync(Org.Learner);
        var practice = asLearner.Get<PracticeService>();

        var done = await practice.CompleteAsync(await practice.StartAsync(ScenarioId), v => v.Scenario.Phases[v.PhaseIndex].IdealResponse);

        Assert.Equal(SessionStage.Completed, done.Stage);
        await using var check = await Db.OpenUnfilteredAsync();
        Assert.Equal(0, await check.AiCalls.CountAsync());
    }
}

using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Practice;

/// <summary>The practice loop as a plain state machine: no database, no engine, no clock.</summary>
public sealed class SessionFlowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static PracticeSession NewSession(int phases = 2, int maxTurns = 2)
    {
        var doc = ScenarioSamples.Publishable(phases: phases);
        doc.Ai.MaxTurns = maxTurns;
        doc.XpReward = 100;
        return SessionFlow.Begin(new PracticeSession { Snapshot = doc, UserId = "learner", StartedAt = T0 });
    }

    private static Assessment Scored(int overall, bool met) =>
        new(overall, [new CriterionScore("Empathy", overall, "")], [], [], "A better version.", met);

    /// <summary>One full turn: customer line, answer, feedback, repeat, feedback.</summary>
    private static void Turn(PracticeSession s, int first, int repeat, bool firstMet = false, bool repeatMet = false)
    {
        SessionFlow.AiSpoke(s, "Customer line", stopped: false, assessment: null, T0);
        SessionFlow.LearnerSpoke(s, "My answer", T0);
        SessionFlow.AiSpoke(s, "Feedback", stopped: false, Scored(first, firstMet), T0);
        SessionFlow.LearnerSpoke(s, "My repeat", T0);
        SessionFlow.AiSpoke(s, "Feedback", stopped: false, Scored(repeat, repeatMet), T0.AddMinutes(5));
    }

    [Fact]
    public void A_new_session_waits_for_the_customer_with_every_phase_pending()
    {
        var s = NewSession(phases: 3);
        Assert.Equal(SessionStage.CustomerTurn, s.Stage);
        Assert.Equal([PhaseOutcome.Pending, PhaseOutcome.Pending, PhaseOutcome.Pending], s.Outcomes);
    }

    [Fact]
    public void The_stages_follow_customer_answer_coach_repeat_coach()
    {
        var s = NewSession();
        var opening = SessionFlow.AiSpoke(s, "Hello", false, null, T0);
        Assert.Equal((Speaker.Customer, MessageKind.Opening, SessionStage.LearnerAnswer), (opening.Speaker, opening.Kind, s.Stage));
        Assert.Equal(MessageKind.Answer, SessionFlow.LearnerSpoke(s, "Hi", T0).Kind);
        Assert.Equal(SessionStage.CoachAnswer, s.Stage);
        SessionFlow.AiSpoke(s, "Good", false, Scored(50, met: false), T0);
        Assert.Equal(SessionStage.LearnerRepeat, s.Stage);
        Assert.Equal(MessageKind.Repeat, SessionFlow.LearnerSpoke(s, "Hi again", T0).Kind);
        Assert.Equal(SessionStage.CoachRepeat, s.Stage);
        Assert.Equal(2, s.Answers);
        Assert.Equal([1, 2, 3, 4], s.Messages.Select(m => m.Sequence));
    }

    [Fact]
    public void The_learner_cannot_speak_out_of_turn()
    {
        var s = NewSession();
        var ex = Assert.Throws<ValidationFailedException>(() => SessionFlow.LearnerSpoke(s, "Too early", T0));
        Assert.Contains("not your turn", ex.Message);
        Assert.Empty(s.Messages);
    }

    [Fact]
    public void A_missed_objective_brings_the_next_objection_until_max_turns_then_the_phase_is_missed()
    {
        var s = NewSession(phases: 2, maxTurns: 2);
        Turn(s, 40, 45);
        Assert.Equal((0, 1, SessionStage.CustomerTurn), (s.PhaseIndex, s.TurnInPhase, s.Stage));
        var objection = SessionFlow.AiSpoke(s, "But…", false, null, T0);
        Assert.Equal(MessageKind.Objection, objection.Kind);
        SessionFlow.LearnerSpoke(s, "a", T0);
        SessionFlow.AiSpoke(s, "f", false, Scored(40, false), T0);
        SessionFlow.LearnerSpoke(s, "b", T0);
        SessionFlow.AiSpoke(s, "f", false, Scored(40, false), T0);
        Assert.Equal(PhaseOutcome.Missed, s.Outcomes[0]);
        Assert.Equal((1, 0, SessionStage.CustomerTurn), (s.PhaseIndex, s.TurnInPhase, s.Stage));
    }

    [Fact]
    public void Either_try_meeting_the_objective_meets_the_phase_and_the_last_phase_completes_with_score_and_xp()
    {
        var s = NewSession(phases: 2);
        Turn(s, 90, 60, firstMet: true);
        Assert.Equal(PhaseOutcome.Met, s.Outcomes[0]);
        Turn(s, 50, 70, repeatMet: true);
        Assert.Equal(SessionStage.Completed, s.Stage);
        Assert.Equal([PhaseOutcome.Met, PhaseOutcome.Met], s.Outcomes);
        Assert.Equal(T0.AddMinutes(5), s.CompletedAt);
        Assert.Equal(70, s.OverallScore); // first tries, the skill measure: (90 + 50) / 2; the repeat's 70 is the improvement
        Assert.Equal(70, s.XpEarned);
    }

    [Fact]
    public void A_stopped_coach_turn_keeps_its_text_but_stays_due_and_is_taken_back_by_regenerate()
    {
        var s = NewSession();
        SessionFlow.AiSpoke(s, "Hello", false, null, T0);
        SessionFlow.LearnerSpoke(s, "Hi", T0);
        var partial = SessionFlow.AiSpoke(s, "Good st", stopped: true, assessment: null, T0);
        Assert.True(partial.Stopped);
        Assert.Equal(SessionStage.CoachAnswer, s.Stage);
        Assert.Same(partial, SessionFlow.TakeBackLastAiMessage(s, T0));
        Assert.Equal(SessionStage.CoachAnswer, s.Stage);
        Assert.DoesNotContain(partial, s.Messages);
    }

    [Fact]
    public void Regenerate_rewinds_only_the_turn_that_produced_the_last_message()
    {
        var s = NewSession();
        SessionFlow.AiSpoke(s, "Hello", false, null, T0);
        SessionFlow.TakeBackLastAiMessage(s, T0);
        Assert.Equal(SessionStage.CustomerTurn, s.Stage);

        SessionFlow.AiSpoke(s, "Hello", false, null, T0);
        SessionFlow.LearnerSpoke(s, "Hi", T0);
        Assert.Throws<ValidationFailedException>(() => SessionFlow.TakeBackLastAiMessage(s, T0)); // the learner spoke last
        SessionFlow.AiSpoke(s, "Feedback", false, Scored(50, false), T0);
        SessionFlow.TakeBackLastAiMessage(s, T0);
        Assert.Equal(SessionStage.CoachAnswer, s.Stage);

        SessionFlow.AiSpoke(s, "Feedback", false, Scored(50, false), T0);
        SessionFlow.LearnerSpoke(s, "Again", T0);
        SessionFlow.AiSpoke(s, "Feedback", false, Scored(55, false), T0);
        var ex = Assert.Throws<ValidationFailedException>(() => SessionFlow.TakeBackLastAiMessage(s, T0));
        Assert.Contains("moved on", ex.Message);
    }

    [Fact]
    public void Criterion_rows_are_kept_for_scored_feedback_only_and_long_text_is_cut()
    {
        var s = NewSession();
        SessionFlow.AiSpoke(s, new string('x', SessionFlow.MaxMessageLength + 50), false, null, T0);
        Assert.Equal(SessionFlow.MaxMessageLength, s.Messages[0].Text.Length);
        SessionFlow.LearnerSpoke(s, "Hi", T0);
        var stopped = SessionFlow.AiSpoke(s, "Go", stopped: true, Scored(70, true), T0);
        Assert.Empty(stopped.Scores);
        SessionFlow.TakeBackLastAiMessage(s, T0);
        var kept = SessionFlow.AiSpoke(s, "Good", stopped: false, Scored(70, true), T0);
        Assert.Equal("Empathy", Assert.Single(kept.Scores).Criterion);
    }
}

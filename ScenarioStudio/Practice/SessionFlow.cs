using ScenarioStudio.Ai.Coach;

namespace ScenarioStudio.Practice;

/// <summary>
/// The practice loop as a state machine over one loaded session, phase by phase: the customer speaks, the learner
/// answers, the coach assesses, the learner repeats, the coach assesses again, and the customer moves on or pushes
/// back. No database and no clock of its own: the service loads the session, calls one step, and saves.
/// </summary>
public static class SessionFlow
{
    public const int MaxMessageLength = 8000;

    /// <summary>A new session: every phase pending, the customer's opening due.</summary>
    public static PracticeSession Begin(PracticeSession session)
    {
        session.Stage = SessionStage.CustomerTurn;
        session.Outcomes = session.Snapshot.Phases.Select(_ => PhaseOutcome.Pending).ToList();
        return session;
    }

    /// <summary>The learner's answer (or repeat); the coach's assessment becomes due.</summary>
    public static PracticeMessage LearnerSpoke(PracticeSession session, string text, DateTimeOffset now)
    {
        var kind = session.Stage switch
        {
            SessionStage.LearnerAnswer => MessageKind.Answer,
            SessionStage.LearnerRepeat => MessageKind.Repeat,
            _ => throw new ValidationFailedException("Answer", "It is not your turn yet: wait for the customer or the coach."),
        };
        var message = Append(session, Speaker.Learner, kind, text, stopped: false, assessment: null, now);
        session.Answers++;
        session.Stage = kind == MessageKind.Answer ? SessionStage.CoachAnswer : SessionStage.CoachRepeat;
        return message;
    }

    /// <summary>
    /// The AI turn that was due has ended (completed, or stopped by the learner): its message is kept and the loop
    /// moves on. A stopped coach turn keeps its text but stays due, to be regenerated.
    /// </summary>
    public static PracticeMessage AiSpoke(PracticeSession session, string text, bool stopped, Assessment? assessment, DateTimeOffset now)
    {
        PracticeMessage message;
        switch (session.Stage)
        {
            case SessionStage.CustomerTurn:
                message = Append(session, Speaker.Customer, session.TurnInPhase == 0 ? MessageKind.Opening : MessageKind.Objection, text, stopped, null, now);
                session.Stage = SessionStage.LearnerAnswer;
                break;
            case SessionStage.CoachAnswer or SessionStage.CoachRepeat when stopped:
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped: true, assessment, now);
                break;
            case SessionStage.CoachAnswer:
                // The first try is the skill measure: its criterion scores feed the dashboards and analytics (not a try-out's).
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped, assessment, now, countsForScores: !session.IsTryOut);
                session.Stage = SessionStage.LearnerRepeat;
                break;
            case SessionStage.CoachRepeat:
                // The repeat shows the improvement; one that recites the better version it was shown is marked as a copy.
                if (assessment is not null && CopiesBetterVersion(session)) assessment = assessment with { CopiedBetterVersion = true };
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped, assessment, now, countsForScores: false);
                AfterRepeat(session, now);
                break;
            default:
                throw new InvalidOperationException($"No AI turn is due at stage {session.Stage}.");
        }
        return message;
    }

    /// <summary>
    /// Regenerate: the last AI message is taken back and its turn is due again. Only the turn that produced it is
    /// rewound; phase progress is untouched because the next step was not taken yet.
    /// </summary>
    public static PracticeMessage TakeBackLastAiMessage(PracticeSession session, DateTimeOffset now)
    {
        var ordered = session.Messages.OrderBy(m => m.Sequence).ToList();
        var last = ordered.LastOrDefault();
        if (last is null || last.Speaker == Speaker.Learner || session.Stage == SessionStage.Completed)
            throw new ValidationFailedException("Regenerate", "There is no AI message to regenerate right now.");
        if (last.Speaker == Speaker.Customer && session.Stage is not (SessionStage.LearnerAnswer or SessionStage.CustomerTurn))
            throw new ValidationFailedException("Regenerate", "The conversation has moved on from that line.");
        var answeredRepeat = last.Speaker == Speaker.Coach && ordered[^2].Kind == MessageKind.Repeat;
        if (answeredRepeat && !last.Stopped)
            throw new ValidationFailedException("Regenerate", "The repeat has been scored and the conversation moved on.");
        session.Stage = last.Speaker == Speaker.Customer ? SessionStage.CustomerTurn
            : answeredRepeat ? SessionStage.CoachRepeat : SessionStage.CoachAnswer;
        session.Messages.Remove(last);
        session.UpdatedAt = now;
        return last;
    }

    /// <summary>The first try already met the phase's objective: the learner may move on without repeating.</summary>
    public static bool MayMoveOn(PracticeSession session) =>
        session.Stage == SessionStage.LearnerRepeat && LastFeedback(session)?.Assessment?.ObjectiveMet == true;

    /// <summary>Moves on from a phase whose first try met the objective, without the (offered, not forced) repeat.</summary>
    public static void MoveOn(PracticeSession session, DateTimeOffset now)
    {
        if (!MayMoveOn(session))
            throw new ValidationFailedException("Answer", "Repeat your answer first: the objective of this phase is not met yet.");
        session.UpdatedAt = now;
        AfterRepeat(session, now);
    }

    /// <summary>
    /// The learner's repeat is the better version they were just shown, near enough word for word (nine in ten of its
    /// words in the same order): it shows they can read, not that they can say it.
    /// </summary>
    public static bool CopiesBetterVersion(PracticeSession session)
    {
        var repeat = session.Messages.OrderBy(m => m.Sequence).LastOrDefault(m => m.Speaker == Speaker.Learner);
        var shown = LastFeedback(session)?.Assessment?.BetterVersion;
        if (repeat?.Kind != MessageKind.Repeat || string.IsNullOrWhiteSpace(shown)) return false;
        var said = Text.Words(repeat.Text);
        var model = Text.Words(shown);
        if (said.Count == 0 || model.Count == 0) return false;
        return LongestCommonRun(said, model) * 10 >= Math.Max(said.Count, model.Count) * 9;
    }

    /// <summary>The length of the longest common subsequence of two word lists.</summary>
    private static int LongestCommonRun(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var row = new int[b.Count + 1];
        foreach (var word in a)
        {
            var diagonal = 0;
            for (var j = 1; j <= b.Count; j++)
            {
                var above = row[j];
                row[j] = word == b[j - 1] ? diagonal + 1 : Math.Max(row[j], row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.Count];
    }

    /// <summary>The coach's last kept assessment in the current phase: the one the learner was just shown.</summary>
    private static PracticeMessage? LastFeedback(PracticeSession session) =>
        session.Messages.Where(m => m.PhaseIndex == session.PhaseIndex && m.Speaker == Speaker.Coach && m.Assessment is not null && !m.Stopped)
            .OrderBy(m => m.Sequence).LastOrDefault();

    /// <summary>After the repeat is scored (or skipped): the phase is met (either try passed), pushed back on, or missed.</summary>
    private static void AfterRepeat(PracticeSession session, DateTimeOffset now)
    {
        var feedback = session.Messages.Where(m => m.PhaseIndex == session.PhaseIndex && m.Assessment is not null && !m.Stopped)
            .OrderBy(m => m.Sequence).TakeLast(2).ToList();
        var met = feedback.Any(f => f.Assessment!.ObjectiveMet);
        session.TurnInPhase++;
        if (!met && session.TurnInPhase < Math.Max(1, session.Snapshot.Ai.MaxTurns))
        {
            session.Stage = SessionStage.CustomerTurn; // the customer pushes back with the next objection
            return;
        }
        session.Outcomes[session.PhaseIndex] = met ? PhaseOutcome.Met : PhaseOutcome.Missed;
        session.Outcomes = [.. session.Outcomes]; // a new list, so the JSON column is seen as changed
        if (session.PhaseIndex + 1 < session.Snapshot.Phases.Count)
        {
            session.PhaseIndex++;
            session.TurnInPhase = 0;
            session.Stage = SessionStage.CustomerTurn;
            return;
        }
        session.Stage = SessionStage.Completed;
        session.CompletedAt = now;
        session.OverallScore = PracticeSummary.Overall(session.Snapshot, session.Messages);
        session.XpEarned = session.IsTryOut ? 0 : Scores.Round(session.Snapshot.XpReward * session.OverallScore.Value / 100.0);
    }

    private static PracticeMessage Append(PracticeSession s, Speaker speaker, MessageKind kind, string text, bool stopped, Assessment? assessment,
        DateTimeOffset now, bool countsForScores = false)
    {
        var message = new PracticeMessage
        {
            SessionId = s.Id, OrganisationId = s.OrganisationId, Sequence = s.Messages.Count == 0 ? 1 : s.Messages.Max(m => m.Sequence) + 1,
            PhaseIndex = s.PhaseIndex, Speaker = speaker, Kind = kind, Text = text.Length > MaxMessageLength ? text[..MaxMessageLength] : text,
            Stopped = stopped, Assessment = assessment, CreatedAt = now,
        };
        if (assessment is not null && !stopped && countsForScores) message.Scores = CriterionResult.For(s, assessment);
        s.Messages.Add(message);
        s.UpdatedAt = now;
        return message;
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

public sealed record SessionView(Guid Id, int ScenarioId, string ScenarioTitle, ScenarioDocument Scenario, SessionStage Stage, int PhaseIndex,
    int TurnInPhase, IReadOnlyList<PhaseOutcome> Outcomes, IReadOnlyList<PracticeMessage> Messages, int? OverallScore, int XpEarned,
    string LearnerName, bool IsOwner, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt)
{
    public bool AiTurnDue => Stage is SessionStage.CustomerTurn or SessionStage.CoachAnswer or SessionStage.CoachRepeat;
}

public sealed record SessionRow(Guid Id, int ScenarioId, string ScenarioTitle, string LearnerName, SessionStage Stage,
    int PhaseCount, int PhasesMet, int? OverallScore, int XpEarned, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

/// <summary>A piece of an AI turn: a streamed token, or the saved message once the turn ends (completed or stopped).</summary>
/// <summary>One step of an AI turn: a streamed token, the end of the stream (saving follows), or the saved message.</summary>
public sealed record AiTurnEvent(string? Token, PracticeMessage? Saved, bool Ended = false)
{
    public static readonly AiTurnEvent StreamEnded = new(null, null, Ended: true);
}

/// <summary>
/// The practice loop, phase by phase: the customer speaks, the learner answers, the coach assesses, the learner
/// repeats, the coach assesses again, and the customer moves on or pushes back. Every message is saved as it
/// completes, so a closed tab resumes where it was.
/// </summary>
public sealed class PracticeService(CurrentUser currentUser, TenantDb tenantDb, AiGate gate, PracticeEvents events, TimeProvider clock)
{
    public const int MaxAnswerLength = 2000;

    // At most one live AI stream per session, whichever tab asks.
    private static readonly ConcurrentDictionary<Guid, byte> Streaming = new();

    public async Task<Guid> StartAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.Scenarios.AsNoTracking().Include(s => s.Phases)
            .SingleOrDefaultAsync(s => s.Id == scenarioId && s.Status == ScenarioStatus.Published
                && (s.Visibility != Visibility.Private || s.CreatedById == caller.UserId), ct)
            ?? throw new ForbiddenException("Only published scenarios you can see can be practised.");
        var now = clock.GetUtcNow();
        var doc = scenario.ToDocument();
        var session = new PracticeSession
        {
            OrganisationId = caller.OrganisationId, UserId = caller.UserId, ScenarioId = scenario.Id, ScenarioTitle = scenario.Title,
            Snapshot = doc, Stage = SessionStage.CustomerTurn, Outcomes = doc.Phases.Select(_ => PhaseOutcome.Pending).ToList(),
            StartedAt = now, UpdatedAt = now,
        };
        db.PracticeSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    public async Task<SessionView> GetAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var session = await LoadAsync(db, caller, id, forWriting: false, ct);
        var learner = await db.Users.Where(u => u.Id == session.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        return ToView(session, learner, session.UserId == caller.UserId);
    }

    public async Task<IReadOnlyList<SessionRow>> ListMineAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        return await ListAsync(caller, caller.UserId, ct);
    }

    /// <summary>A learner's history for their managers (teams they lead) and Admins.</summary>
    public async Task<IReadOnlyList<SessionRow>> ListForLearnerAsync(string learnerId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeamProgress, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        if (!await MayWatchAsync(db, caller, learnerId, ct)) throw new ForbiddenException("This learner is not in a team you manage.");
        return await ListAsync(caller, learnerId, ct);
    }

    private async Task<IReadOnlyList<SessionRow>> ListAsync(Caller caller, string userId, CancellationToken ct)
    {
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var rows = await db.PracticeSessions.AsNoTracking().Where(s => s.UserId == userId).OrderByDescending(s => s.StartedAt).Take(200)
            .Select(s => new { s.Id, s.ScenarioId, s.ScenarioTitle, s.Stage, s.Outcomes, s.OverallScore, s.XpEarned, s.StartedAt, s.CompletedAt })
            .ToListAsync(ct);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "";
        return rows.Select(s => new SessionRow(s.Id, s.ScenarioId, s.ScenarioTitle, name, s.Stage, s.Outcomes.Count,
            s.Outcomes.Count(o => o == PhaseOutcome.Met), s.OverallScore, s.XpEarned, s.StartedAt, s.CompletedAt)).ToList();
    }

    /// <summary>Saves the learner's answer (or repeat) and hands the turn to the coach.</summary>
    public async Task SubmitAsync(Guid id, string text, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        text = text.Trim();
        if (text.Length == 0) throw new ValidationFailedException("Answer", "Write your answer first.");
        if (text.Length > MaxAnswerLength) throw new ValidationFailedException("Answer", $"Keep your answer under {MaxAnswerLength} characters.");
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = await LoadAsync(db, caller, id, forWriting: true, ct);
        var kind = session.Stage switch
        {
            SessionStage.LearnerAnswer => MessageKind.Answer,
            SessionStage.LearnerRepeat => MessageKind.Repeat,
            _ => throw new ValidationFailedException("Answer", "It is not your turn yet: wait for the customer or the coach."),
        };
        Append(session, Speaker.Learner, kind, text, stopped: false, assessment: null);
        session.Answers++;
        session.Stage = kind == MessageKind.Answer ? SessionStage.CoachAnswer : SessionStage.CoachRepeat;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Streams the AI turn that is due (the customer's line or the coach's feedback) and saves it when it ends.
    /// Cancelling the token is Stop: the partial text is saved, marked as stopped. A provider failure or timeout
    /// throws <see cref="AiProviderException"/> and changes nothing, so the turn can be retried.
    /// </summary>
    public async IAsyncEnumerable<AiTurnEvent> StreamAiTurnAsync(Guid id, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        if (!Streaming.TryAdd(id, 0)) throw new AiProviderException("This session is already answering in another tab.");
        try
        {
            PracticeSession session;
            await using (var db = await tenantDb.OpenAsync(caller, ct))
                session = await LoadAsync(db, caller, id, forWriting: true, ct);
            if (session.Stage is not (SessionStage.CustomerTurn or SessionStage.CoachAnswer or SessionStage.CoachRepeat))
                yield break;

            var (ai, settings) = await gate.OpenAsync(caller, ct);
            var source = session.Stage == SessionStage.CustomerTurn ? CustomerEvents(ai, session, ct) : ai.StreamCoachAsync(CoachRequestFor(session), ct);
            var text = new StringBuilder();
            Assessment? assessment = null;
            var stopped = false;
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var timeout = TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds));
            idle.CancelAfter(timeout);
            await using (var e = source.WithCancellation(idle.Token).GetAsyncEnumerator())
            {
                while (true)
                {
                    try
                    {
                        if (!await e.MoveNextAsync()) break;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        stopped = true;
                        break;
                    }
                    catch (OperationCanceledException ex)
                    {
                        throw new AiProviderException($"The AI provider stopped answering for {timeout.TotalSeconds:0} seconds. Retry, or ask an Admin to check the AI settings.", ex);
                    }
                    catch (Exception ex) when (ex is not AiProviderException)
                    {
                        throw new AiProviderException("The AI provider failed: " + ex.Message, ex);
                    }
                    idle.CancelAfter(timeout);
                    if (e.Current.Assessment is { } a) assessment = a;
                    if (e.Current.Text is { } token)
                    {
                        text.Append(token);
                        yield return new AiTurnEvent(token, null);
                    }
                }
            }
            if (!stopped && session.Stage != SessionStage.CustomerTurn && assessment is null)
                throw new AiProviderException("The coach's reply had no scores. Retry.");
            yield return AiTurnEvent.StreamEnded; // the page shows the whole reply now, not after the save
            yield return new AiTurnEvent(null, await SaveTurnAsync(caller, id, text.ToString(), stopped, assessment, EngineName(settings)));
        }
        finally
        {
            Streaming.TryRemove(id, out _);
        }
    }

    /// <summary>Replaces the last AI message: it is removed and the turn is due again.</summary>
    public async Task RegenerateAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = await LoadAsync(db, caller, id, forWriting: true, ct);
        var last = session.Messages.OrderBy(m => m.Sequence).LastOrDefault();
        if (last is null || last.Speaker == Speaker.Learner || session.Stage == SessionStage.Completed)
            throw new ValidationFailedException("Regenerate", "There is no AI message to regenerate right now.");
        // Only the turn that produced it is rewound; phase progress is untouched because the next step was not taken yet.
        if (last.Speaker == Speaker.Customer && session.Stage is not (SessionStage.LearnerAnswer or SessionStage.CustomerTurn))
            throw new ValidationFailedException("Regenerate", "The conversation has moved on from that line.");
        session.Stage = last.Speaker == Speaker.Customer ? SessionStage.CustomerTurn
            : last.Kind == MessageKind.Feedback && session.Messages.Where(m => m.Sequence < last.Sequence).OrderBy(m => m.Sequence).Last().Kind == MessageKind.Repeat
                ? SessionStage.CoachRepeat : SessionStage.CoachAnswer;
        if (last.Speaker == Speaker.Coach && session.Stage == SessionStage.CoachRepeat && !last.Stopped)
            throw new ValidationFailedException("Regenerate", "The repeat has been scored and the conversation moved on.");
        db.PracticeMessages.Remove(last);
        session.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The engine recorded on the session: "Offline", or the model of an OpenAI-compatible endpoint.</summary>
    private static string EngineName(OrganisationAiSettings settings)
    {
        var name = settings.Provider == AiProvider.Offline ? "Offline" : string.IsNullOrWhiteSpace(settings.Model) ? "OpenAI-compatible" : settings.Model.Trim();
        return name.Length <= 40 ? name : name[..40];
    }

    /// <summary>
    /// AI turns are saved one at a time. SQLite takes one writer at a time and a waiting writer blocks its thread;
    /// waiting here instead is asynchronous, so when many learners' turns end together the threads stay free for
    /// their pages (the streaming benchmark ends 25 turns in the same instant).
    /// </summary>
    private static readonly SemaphoreSlim TurnSaves = new(1, 1);

    private async Task<PracticeMessage> SaveTurnAsync(Caller caller, Guid id, string text, bool stopped, Assessment? assessment, string engine)
    {
        await TurnSaves.WaitAsync();
        try
        {
            return await SaveTurnCoreAsync(caller, id, text, stopped, assessment, engine);
        }
        finally
        {
            TurnSaves.Release();
        }
    }

    private async Task<PracticeMessage> SaveTurnCoreAsync(Caller caller, Guid id, string text, bool stopped, Assessment? assessment, string engine)
    {
        // Saved even when the page that asked has gone: the learner's progress must not depend on the circuit.
        await using var db = await tenantDb.OpenAsync(caller, CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync();
        var session = await LoadAsync(db, caller, id, forWriting: true, CancellationToken.None);
        session.Provider = engine;
        PracticeMessage message;
        switch (session.Stage)
        {
            case SessionStage.CustomerTurn:
                message = Append(session, Speaker.Customer, session.TurnInPhase == 0 ? MessageKind.Opening : MessageKind.Objection, text, stopped, null);
                session.Stage = SessionStage.LearnerAnswer;
                break;
            case SessionStage.CoachAnswer when stopped:
            case SessionStage.CoachRepeat when stopped:
                // Stopped before the scores arrived: keep the text; the coach's turn stays due (Regenerate).
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped: true, assessment);
                break;
            case SessionStage.CoachAnswer:
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped, assessment);
                session.Stage = SessionStage.LearnerRepeat;
                break;
            case SessionStage.CoachRepeat:
                message = Append(session, Speaker.Coach, MessageKind.Feedback, text, stopped, assessment);
                Advance(session);
                break;
            default:
                throw new InvalidOperationException($"No AI turn is due at stage {session.Stage}.");
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        if (session.Stage == SessionStage.Completed) events.SessionCompleted(session.OrganisationId, session.UserId);
        return message;
    }

    /// <summary>After the repeat is scored: the phase is met (best of the two tries passes), pushed back on, or missed.</summary>
    private void Advance(PracticeSession session)
    {
        var feedback = session.Messages.Where(m => m.PhaseIndex == session.PhaseIndex && m.Assessment is not null && !m.Stopped)
            .OrderBy(m => m.Sequence).TakeLast(2).ToList();
        var met = feedback.Any(f => f.Assessment!.ObjectiveMet);
        session.TurnInPhase++;
        var maxTurns = Math.Max(1, session.Snapshot.Ai.MaxTurns);
        if (!met && session.TurnInPhase < maxTurns)
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
        session.CompletedAt = clock.GetUtcNow();
        session.OverallScore = PracticeSummary.Overall(session.Snapshot, session.Messages);
        session.XpEarned = (int)Math.Round(session.Snapshot.XpReward * session.OverallScore.Value / 100.0);
    }

    private static IAsyncEnumerable<CoachEvent> CustomerEvents(IPracticeAi ai, PracticeSession s, CancellationToken ct)
    {
        var request = new CustomerRequest(s.Snapshot, s.PhaseIndex, s.TurnInPhase,
            AfterMetPhase: s.TurnInPhase == 0 && s.PhaseIndex > 0 && s.Outcomes[s.PhaseIndex - 1] == PhaseOutcome.Met, s.Messages);
        return Map(ai.StreamCustomerAsync(request, ct), ct);

        static async IAsyncEnumerable<CoachEvent> Map(IAsyncEnumerable<string> tokens, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var t in tokens.WithCancellation(ct)) yield return CoachEvent.Token(t);
        }
    }

    private static CoachRequest CoachRequestFor(PracticeSession s)
    {
        var ordered = s.Messages.OrderBy(m => m.Sequence).ToList();
        var answer = ordered.Last(m => m.Speaker == Speaker.Learner);
        var customer = ordered.Last(m => m.Speaker == Speaker.Customer);
        var first = answer.Kind == MessageKind.Repeat ? ordered.Last(m => m.Kind == MessageKind.Answer).Text : null;
        return new CoachRequest(s.Snapshot, s.PhaseIndex, customer.Text, answer.Text, first, ordered);
    }

    private PracticeMessage Append(PracticeSession s, Speaker speaker, MessageKind kind, string text, bool stopped, Assessment? assessment)
    {
        var message = new PracticeMessage
        {
            SessionId = s.Id, OrganisationId = s.OrganisationId, Sequence = s.Messages.Count == 0 ? 1 : s.Messages.Max(m => m.Sequence) + 1,
            PhaseIndex = s.PhaseIndex, Speaker = speaker, Kind = kind, Text = text.Length > 8000 ? text[..8000] : text,
            Stopped = stopped, Assessment = assessment, CreatedAt = clock.GetUtcNow(),
        };
        if (assessment is not null && !stopped) message.Scores = CriterionResult.For(s, assessment);
        s.Messages.Add(message);
        s.UpdatedAt = message.CreatedAt;
        return message;
    }

    private static async Task<PracticeSession> LoadAsync(AppDbContext db, Caller caller, Guid id, bool forWriting, CancellationToken ct)
    {
        var session = await db.PracticeSessions.Include(s => s.Messages).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new ForbiddenException("This practice session does not exist or is not yours.");
        if (session.UserId == caller.UserId) return session;
        if (!forWriting && await MayWatchAsync(db, caller, session.UserId, ct)) return session;
        throw new ForbiddenException(forWriting ? "Only the learner can continue their own session." : "This practice session does not exist or is not yours.");
    }

    /// <summary>Admins see every learner; a Manager sees the learners of the teams they lead.</summary>
    private static async Task<bool> MayWatchAsync(AppDbContext db, Caller caller, string learnerId, CancellationToken ct) =>
        caller.Role == OrgRole.Admin && await db.Users.AnyAsync(u => u.Id == learnerId, ct)
        || caller.Role == OrgRole.Manager && await db.TeamMembers.AnyAsync(m => m.UserId == learnerId && m.Team!.ManagerId == caller.UserId, ct);

    private static SessionView ToView(PracticeSession s, string learner, bool isOwner) =>
        new(s.Id, s.ScenarioId, s.ScenarioTitle, s.Snapshot, s.Stage, s.PhaseIndex, s.TurnInPhase, s.Outcomes,
            s.Messages.OrderBy(m => m.Sequence).ToList(), s.OverallScore, s.XpEarned, learner, isOwner, s.StartedAt, s.CompletedAt);
}

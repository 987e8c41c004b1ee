using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Ai;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

public sealed record SessionView(Guid Id, int ScenarioId, string ScenarioTitle, ScenarioDocument Scenario, SessionStage Stage, int PhaseIndex,
    int TurnInPhase, IReadOnlyList<PhaseOutcome> Outcomes, IReadOnlyList<PracticeMessage> Messages, int? OverallScore, int XpEarned,
    string LearnerName, bool IsOwner, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, bool MayMoveOn = false, string LearnerId = "")
{
    /// <summary>What a try-out tries ("draft", "v3"); null for a counted session.</summary>
    public string? TryOutOf { get; init; }

    public bool AiTurnDue => Stage is SessionStage.CustomerTurn or SessionStage.CoachAnswer or SessionStage.CoachRepeat;
}

/// <summary>One step of an AI turn: a streamed token, the end of the stream (saving follows), or the saved message.</summary>
public sealed record AiTurnEvent(string? Token, PracticeMessage? Saved, bool Ended = false)
{
    public static readonly AiTurnEvent StreamEnded = new(null, null, Ended: true);
}

/// <summary>
/// Practice sessions: who may start, open and continue one, and the AI turns streamed through the organisation's
/// engine. The loop itself is <see cref="SessionFlow"/>; every message is saved as it completes, so a closed tab
/// resumes where it was.
/// </summary>
public sealed class PracticeService(CurrentUser currentUser, TenantDb tenantDb, AiGate gate, ILiveAiTurns liveTurns, ITurnSaveGate saveGate,
    ILiveEvents<SessionCompleted> events, TimeProvider clock)
{
    public const int MaxAnswerLength = 2000;

    public async Task<Guid> StartAsync(int scenarioId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.Scenarios.AsNoTracking().Include(s => s.Phases).PractisableBy(caller).SingleOrDefaultAsync(s => s.Id == scenarioId, ct)
            ?? throw new ForbiddenException("Only published scenarios you can see can be practised.");
        // In a running A/B experiment the learner practises the variant their bucket gives them, whichever of the two they opened.
        var arm = await Experiments.ExperimentArms.ForAsync(db, caller, scenario.Id, ct);
        if (arm is not null && arm.ScenarioId != scenario.Id)
        {
            // A variant unpublished mid-experiment leaves the learner with what they opened, outside the experiment.
            var given = await db.Scenarios.AsNoTracking().Include(s => s.Phases)
                .SingleOrDefaultAsync(s => s.Id == arm.ScenarioId && s.Status == ScenarioStatus.Published, ct);
            if (given is null) arm = null;
            else scenario = given;
        }
        var now = clock.GetUtcNow();
        var session = SessionFlow.Begin(new PracticeSession
        {
            OrganisationId = caller.OrganisationId, UserId = caller.UserId, ScenarioId = scenario.Id, ScenarioTitle = scenario.Title,
            ScenarioVersion = scenario.LiveVersion, Snapshot = scenario.ToDocument(), StartedAt = now, UpdatedAt = now,
            ExperimentId = arm?.ExperimentId, Variant = arm?.Variant,
        });
        db.PracticeSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>
    /// A try-out of a scenario's draft (<see cref="VersionRef.Editing"/>) or of one of its versions, for the people who
    /// write or review it: the same practice with the organisation's engine, marked, and never counted.
    /// </summary>
    public async Task<Guid> StartTryOutAsync(int scenarioId, VersionRef which, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var scenario = await db.LoadReadableAsync(caller, scenarioId, ct);
        if (!ScenarioAccess.ActionsFor(caller, scenario).CanTryOut)
            throw new ForbiddenException("Only the people who write and review scenarios try out drafts and versions.");
        var doc = await ScenarioHistory.DocumentAsync(db, scenario, which, ct);
        if (doc.Phases.Count == 0 || doc.Phases.Any(p => string.IsNullOrWhiteSpace(p.CustomerOpening)))
            throw new ValidationFailedException("Phases", "Give every phase a customer opening before trying it out.");
        var now = clock.GetUtcNow();
        var session = SessionFlow.Begin(new PracticeSession
        {
            OrganisationId = caller.OrganisationId, UserId = caller.UserId, ScenarioId = scenario.Id, ScenarioTitle = Cut(doc.Title, 100),
            ScenarioVersion = which.Number, IsTryOut = true, TryOutOf = which.ToString(), Snapshot = doc, StartedAt = now, UpdatedAt = now,
        });
        db.PracticeSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    public async Task<SessionView> GetAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var s = await LoadAsync(db, caller, id, forWriting: false, ct);
        var learner = await db.Users.Where(u => u.Id == s.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        return new SessionView(s.Id, s.ScenarioId, s.ScenarioTitle, s.Snapshot, s.Stage, s.PhaseIndex, s.TurnInPhase, s.Outcomes,
            s.Messages.OrderBy(m => m.Sequence).ToList(), s.OverallScore, s.XpEarned, learner, s.UserId == caller.UserId, s.StartedAt, s.CompletedAt,
            SessionFlow.MayMoveOn(s), s.UserId) { TryOutOf = s.IsTryOut ? s.TryOutOf ?? "draft" : null };
    }

    /// <summary>Moves on from a phase whose first try met its objective, without repeating (offered, not forced).</summary>
    public async Task MoveOnAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = await LoadAsync(db, caller, id, forWriting: true, ct);
        SessionFlow.MoveOn(session, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (session.Stage == SessionStage.Completed) events.Publish(new SessionCompleted(session.OrganisationId, session.UserId));
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
        SessionFlow.LearnerSpoke(session, text, clock.GetUtcNow());
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
        await using var claim = await liveTurns.TryClaimAsync(id, ct) ?? throw new AiProviderException("This session is already answering in another tab.");
        PracticeSession session;
        await using (var db = await tenantDb.OpenAsync(caller, ct))
            session = await LoadAsync(db, caller, id, forWriting: true, ct);
        if (session.Stage is not (SessionStage.CustomerTurn or SessionStage.CoachAnswer or SessionStage.CoachRepeat))
            yield break;

        var (ai, settings) = await gate.OpenAsync(caller, ct);
        var source = session.Stage == SessionStage.CustomerTurn ? CustomerEvents(ai, session, ct) : ai.StreamCoachAsync(CoachRequestFor(session), ct);
        var reader = new AiTurnReader(source, TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds)), p => gate.RecordProblemAsync(caller, p));
        await foreach (var token in reader.ReadAsync(ct))
            yield return new AiTurnEvent(token, null);
        if (!reader.Stopped && session.Stage != SessionStage.CustomerTurn && reader.Assessment is null)
            throw new AiProviderException("The coach's reply had no scores. Retry.");
        yield return AiTurnEvent.StreamEnded; // the page shows the whole reply now, not after the save
        var saved = await saveGate.RunAsync(() => SaveTurnAsync(caller, id, reader, settings.EngineName));
        yield return new AiTurnEvent(null, saved);
    }

    /// <summary>Replaces the last AI message: it is removed and the turn is due again.</summary>
    public async Task RegenerateAsync(Guid id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = await LoadAsync(db, caller, id, forWriting: true, ct);
        db.PracticeMessages.Remove(SessionFlow.TakeBackLastAiMessage(session, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task<PracticeMessage> SaveTurnAsync(Caller caller, Guid id, AiTurnReader turn, string engine)
    {
        // Saved even when the page that asked has gone: the learner's progress must not depend on the circuit.
        await using var db = await tenantDb.OpenAsync(caller, CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync();
        var session = await LoadAsync(db, caller, id, forWriting: true, CancellationToken.None);
        session.Provider = engine;
        var message = SessionFlow.AiSpoke(session, turn.Text, turn.Stopped, turn.Assessment, clock.GetUtcNow());
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        if (session.Stage == SessionStage.Completed) events.Publish(new SessionCompleted(session.OrganisationId, session.UserId));
        return message;
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

    /// <summary>The learner continues their own session; those who follow the learner may read it.</summary>
    private static async Task<PracticeSession> LoadAsync(AppDbContext db, Caller caller, Guid id, bool forWriting, CancellationToken ct)
    {
        var session = await db.PracticeSessions.Include(s => s.Messages).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new ForbiddenException("This practice session does not exist or is not yours.");
        if (session.UserId == caller.UserId) return session;
        if (!forWriting && await db.FollowsAsync(caller, session.UserId, ct)) return session;
        throw new ForbiddenException(forWriting ? "Only the learner can continue their own session." : "This practice session does not exist or is not yours.");
    }
}

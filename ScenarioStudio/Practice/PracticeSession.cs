using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Practice;

public enum SessionStage { CustomerTurn, LearnerAnswer, CoachAnswer, LearnerRepeat, CoachRepeat, Completed }

public enum Speaker { Customer, Learner, Coach }

public enum MessageKind { Opening, Objection, Answer, Repeat, Feedback }

public enum PhaseOutcome { Pending, Met, Missed }

/// <summary>
/// One learner practising one scenario. The scenario is snapshotted at the start so later edits never change a
/// session in progress or its replay.
/// </summary>
public sealed class PracticeSession : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
    public int ScenarioId { get; set; }
    public string ScenarioTitle { get; set; } = "";
    /// <summary>The published version practised (null for a scenario published before versions were kept).</summary>
    public int? ScenarioVersion { get; set; }
    /// <summary>
    /// A creator's or reviewer's try-out of a draft or a version: marked as such, never counted in XP, dashboards,
    /// analytics or assignments (<see cref="PracticeQueries.Counted"/>), deleted after <see cref="TryOuts.KeepFor"/>.
    /// </summary>
    public bool IsTryOut { get; set; }
    /// <summary>What a try-out tried: "draft" or "v3".</summary>
    public string? TryOutOf { get; set; }
    public ScenarioDocument Snapshot { get; set; } = new();
    public SessionStage Stage { get; set; }
    public int PhaseIndex { get; set; }
    /// <summary>Learner answers given in the current phase (each followed by a repeat).</summary>
    public int TurnInPhase { get; set; }
    /// <summary>Learner messages in the session (answers and repeats), kept here so reports need not count messages.</summary>
    public int Answers { get; set; }
    public List<PhaseOutcome> Outcomes { get; set; } = [];
    public int? OverallScore { get; set; }
    public int XpEarned { get; set; }
    public string Provider { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<PracticeMessage> Messages { get; set; } = [];
    /// <summary>The A/B experiment this session was part of, and the variant ("A" or "B") the learner was given.</summary>
    public Guid? ExperimentId { get; set; }
    public string? Variant { get; set; }
}

public sealed class PracticeMessage : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid SessionId { get; set; }
    public Guid OrganisationId { get; set; }
    public int Sequence { get; set; }
    public int PhaseIndex { get; set; }
    public Speaker Speaker { get; set; }
    public MessageKind Kind { get; set; }
    public string Text { get; set; } = "";
    /// <summary>The stream was stopped by the learner before it finished; the text is what had arrived.</summary>
    public bool Stopped { get; set; }
    /// <summary>Set on coach feedback: the scores, evidence and better version.</summary>
    public Assessment? Assessment { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The assessment's criterion scores as rows, for the dashboards (none for a stopped message).</summary>
    public List<CriterionResult> Scores { get; set; } = [];
}

/// <summary>The coach's structured judgement of one learner answer.</summary>
public sealed record Assessment(
    int Overall,
    IReadOnlyList<CriterionScore> Criteria,
    IReadOnlyList<string> WentWell,
    IReadOnlyList<string> ToImprove,
    string BetterVersion,
    bool ObjectiveMet)
{
    /// <summary>Set on a repeat that recites the better version it was shown (marked, and never the skill measure).</summary>
    public bool CopiedBetterVersion { get; init; }
}

public sealed record CriterionScore(string Name, int Score, string Evidence);

/// <summary>
/// One criterion's score from one coach assessment, kept as a row beside the assessment's JSON so dashboards average
/// scores by criterion with an index instead of parsing JSON. Written with the message, deleted with it.
/// </summary>
public sealed class CriterionResult : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public long MessageId { get; set; }
    public Guid SessionId { get; set; }
    public string UserId { get; set; } = "";
    public int ScenarioId { get; set; }
    public string Criterion { get; set; } = "";
    public int Score { get; set; }
    /// <summary>The session's A/B experiment and variant, copied so the experiment's totals are kept without a join.</summary>
    public Guid? ExperimentId { get; set; }
    public string? Variant { get; set; }

    /// <summary>The rows for one kept assessment of a session.</summary>
    public static List<CriterionResult> For(PracticeSession session, Assessment assessment) => assessment.Criteria.Select(c => new CriterionResult
    {
        OrganisationId = session.OrganisationId, SessionId = session.Id, UserId = session.UserId, ScenarioId = session.ScenarioId,
        Criterion = c.Name.Length > 100 ? c.Name[..100] : c.Name, Score = c.Score,
        ExperimentId = session.ExperimentId, Variant = session.Variant,
    }).ToList();
}

/// <summary>
/// Running totals of one learner's scores per criterion, kept by SQLite triggers on CriterionResults (insert and
/// delete, including deletes that cascade from a message), so team averages read one row per learner and criterion.
/// </summary>
public sealed class CriterionTotal : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
    public string Criterion { get; set; } = "";
    public long Total { get; set; }
    public int Samples { get; set; }
}

internal sealed class PracticeSessionConfiguration : IEntityTypeConfiguration<PracticeSession>
{
    public void Configure(EntityTypeBuilder<PracticeSession> b)
    {
        b.Property(s => s.ScenarioTitle).HasMaxLength(100);
        b.Property(s => s.Provider).HasMaxLength(40);
        b.Property(s => s.Stage).HasConversion<string>().HasMaxLength(20);
        b.Json(s => s.Snapshot);
        b.Json(s => s.Outcomes);
        b.HasMany(s => s.Messages).WithOne().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.UserId, s.StartedAt });
        // Covers scenario analytics (counts, furthest phase, score, misses per phase from the short Outcomes JSON, and
        // the ids for answer counts), so they never read a session row, where the snapshot precedes these columns.
        b.Property(s => s.TryOutOf).HasMaxLength(20);
        b.HasIndex(s => new { s.OrganisationId, s.ScenarioId, s.CompletedAt, s.PhaseIndex, s.OverallScore, s.Outcomes, s.Id, s.ScenarioVersion, s.IsTryOut })
            .HasDatabaseName("IX_PracticeSessions_Analytics");
        // Covers the dashboards' per-learner figures, so they never read the (large) snapshot rows.
        b.HasIndex(s => new { s.OrganisationId, s.UserId, s.CompletedAt, s.OverallScore, s.XpEarned, s.UpdatedAt, s.ScenarioId, s.ScenarioTitle, s.IsTryOut })
            .HasDatabaseName("IX_PracticeSessions_Progress");
        b.Property(s => s.Variant).HasMaxLength(1);
        // No foreign key to Experiments: adding one makes SQLite rebuild this large table (the id stays as history).
        // Covers the experiment page's comparison; only sessions of experiments are in it.
        b.HasIndex(s => new { s.OrganisationId, s.ExperimentId, s.Variant, s.UserId, s.CompletedAt, s.OverallScore, s.Answers, s.IsTryOut })
            .HasDatabaseName("IX_PracticeSessions_Experiment").HasFilter("\"ExperimentId\" IS NOT NULL");
        // Finds old try-outs to delete; only try-outs are in it.
        b.HasIndex(s => s.StartedAt).HasDatabaseName("IX_PracticeSessions_TryOuts").HasFilter("\"IsTryOut\" = 1");
    }
}

internal sealed class PracticeMessageConfiguration : IEntityTypeConfiguration<PracticeMessage>
{
    public void Configure(EntityTypeBuilder<PracticeMessage> b)
    {
        b.Property(m => m.Speaker).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Text).HasMaxLength(8000);
        b.Json(m => m.Assessment);
        b.HasIndex(m => new { m.SessionId, m.Sequence }).IsUnique();
        b.HasMany(m => m.Scores).WithOne().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionResultConfiguration : IEntityTypeConfiguration<CriterionResult>
{
    public void Configure(EntityTypeBuilder<CriterionResult> b)
    {
        b.Property(r => r.Criterion).HasMaxLength(100);
        // Covering indexes: the team dashboard averages by learner, content analytics by scenario.
        b.HasIndex(r => new { r.OrganisationId, r.UserId, r.Criterion, r.Score });
        b.HasIndex(r => new { r.OrganisationId, r.ScenarioId, r.Criterion, r.Score });
        // The A/B experiment page reads ExperimentCriterionTotals, kept from these two columns by triggers.
        b.Property(r => r.Variant).HasMaxLength(1);
    }
}

internal sealed class CriterionTotalConfiguration : IEntityTypeConfiguration<CriterionTotal>
{
    public void Configure(EntityTypeBuilder<CriterionTotal> b)
    {
        b.HasKey(t => new { t.OrganisationId, t.UserId, t.Criterion });
        b.Property(t => t.Criterion).HasMaxLength(100);
    }
}

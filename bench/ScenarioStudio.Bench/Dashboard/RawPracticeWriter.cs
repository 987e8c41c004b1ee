using Microsoft.Data.Sqlite;
using ScenarioStudio.Bench.Infrastructure;
using ScenarioStudio.Bench.Search;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Dashboard;

/// <summary>
/// Writes practice sessions and their messages straight into the EF tables with reused, prepared INSERT commands,
/// storing every column as EF would (enums as names, DateTimeOffset as the binary converter's long, Guid as
/// upper-case TEXT, JSON columns through ScenarioJson). <see cref="DashboardBenchmark"/> reads a written session back
/// through PracticeService to prove the rows are what the app expects.
/// </summary>
public sealed class RawPracticeWriter : IDisposable
{
    private readonly SqliteCommand session, message, score;
    private readonly string organisationId;
    private long nextMessageId;

    public RawPracticeWriter(SqliteConnection connection, SqliteTransaction transaction, Guid organisationId)
    {
        this.organisationId = RawScenarioWriter.Guid(organisationId);
        session = PreparedCommands.Prepare(connection, transaction, """
            INSERT INTO "PracticeSessions" ("Id", "OrganisationId", "UserId", "ScenarioId", "ScenarioTitle", "Snapshot", "Stage",
                "PhaseIndex", "TurnInPhase", "Outcomes", "OverallScore", "XpEarned", "Provider", "StartedAt", "UpdatedAt", "CompletedAt", "Answers", "IsTryOut",
                "ExperimentId", "Variant")
            VALUES ($id, $org, $user, $scenario, $title, $snapshot, $stage, $phase, $turn, $outcomes, $score, $xp, $provider,
                $started, $updated, $completed, $answers, 0, $experiment, $variant)
            """);
        message = PreparedCommands.Prepare(connection, transaction, """
            INSERT INTO "PracticeMessages" ("Id", "SessionId", "OrganisationId", "Sequence", "PhaseIndex", "Speaker", "Kind", "Text",
                "Stopped", "Assessment", "CreatedAt")
            VALUES ($id, $session, $org, $sequence, $phase, $speaker, $kind, $text, 0, $assessment, $created)
            """);
        score = PreparedCommands.Prepare(connection, transaction, """
            INSERT INTO "CriterionResults" ("OrganisationId", "MessageId", "SessionId", "UserId", "ScenarioId", "Criterion", "Score",
                "ExperimentId", "Variant")
            VALUES ($org, $message, $session, $user, $scenario, $criterion, $score, $experiment, $variant)
            """);
        using var max = connection.CreateCommand();
        max.Transaction = transaction;
        max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM PracticeMessages";
        nextMessageId = Convert.ToInt64(max.ExecuteScalar()) + 1;
    }

    public void WriteSession(Guid id, string userId, int scenarioId, string title, string snapshotJson, SessionStage stage, int phaseIndex,
        IReadOnlyList<PhaseOutcome> outcomes, int? score, int xp, DateTimeOffset started, DateTimeOffset updated, DateTimeOffset? completed, int answers,
        Arm? arm = null)
    {
        session.Set("$experiment", arm is { } a ? RawScenarioWriter.Guid(a.ExperimentId) : null);
        session.Set("$variant", arm?.Variant);
        session.Set("$answers", answers);
        session.Set("$id", RawScenarioWriter.Guid(id));
        session.Set("$org", organisationId);
        session.Set("$user", userId);
        session.Set("$scenario", scenarioId);
        session.Set("$title", title);
        session.Set("$snapshot", snapshotJson);
        session.Set("$stage", stage.ToString());
        session.Set("$phase", phaseIndex);
        session.Set("$turn", 0);
        session.Set("$outcomes", ScenarioJson.Serialize(outcomes.ToList()));
        session.Set("$score", score);
        session.Set("$xp", xp);
        session.Set("$provider", "Offline");
        session.Set("$started", RawScenarioWriter.Binary(started));
        session.Set("$updated", RawScenarioWriter.Binary(updated));
        session.Set("$completed", completed is { } c ? RawScenarioWriter.Binary(c) : null);
        session.ExecuteNonQuery();
    }

    /// <summary>A message, and for an assessment its criterion rows, as PracticeService writes them.</summary>
    public void WriteMessage(Guid sessionId, string userId, int scenarioId, int sequence, int phaseIndex, Speaker speaker, MessageKind kind,
        string text, Assessment? assessment, DateTimeOffset created, Arm? arm = null)
    {
        var id = nextMessageId++;
        message.Set("$id", id);
        message.Set("$session", RawScenarioWriter.Guid(sessionId));
        message.Set("$org", organisationId);
        message.Set("$sequence", sequence);
        message.Set("$phase", phaseIndex);
        message.Set("$speaker", speaker.ToString());
        message.Set("$kind", kind.ToString());
        message.Set("$text", text);
        message.Set("$assessment", assessment is null ? null : ScenarioJson.Serialize(assessment));
        message.Set("$created", RawScenarioWriter.Binary(created));
        message.ExecuteNonQuery();
        foreach (var c in assessment?.Criteria ?? [])
        {
            score.Set("$org", organisationId);
            score.Set("$message", id);
            score.Set("$session", RawScenarioWriter.Guid(sessionId));
            score.Set("$user", userId);
            score.Set("$scenario", scenarioId);
            score.Set("$criterion", c.Name);
            score.Set("$score", c.Score);
            score.Set("$experiment", arm is { } a ? RawScenarioWriter.Guid(a.ExperimentId) : null);
            score.Set("$variant", arm?.Variant);
            score.ExecuteNonQuery();
        }
    }

    /// <summary>The A/B experiment and variant a session was practised in, written on it and its criterion rows as practice does.</summary>
    public readonly record struct Arm(Guid ExperimentId, string Variant);

    public void Dispose()
    {
        session.Dispose();
        message.Dispose();
        score.Dispose();
    }
}

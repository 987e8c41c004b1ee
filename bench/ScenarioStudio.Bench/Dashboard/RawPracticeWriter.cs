using Microsoft.Data.Sqlite;
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
        session = Command(connection, transaction, """
            INSERT INTO "PracticeSessions" ("Id", "OrganisationId", "UserId", "ScenarioId", "ScenarioTitle", "Snapshot", "Stage",
                "PhaseIndex", "TurnInPhase", "Outcomes", "OverallScore", "XpEarned", "Provider", "StartedAt", "UpdatedAt", "CompletedAt", "Answers")
            VALUES ($id, $org, $user, $scenario, $title, $snapshot, $stage, $phase, $turn, $outcomes, $score, $xp, $provider,
                $started, $updated, $completed, $answers)
            """);
        message = Command(connection, transaction, """
            INSERT INTO "PracticeMessages" ("Id", "SessionId", "OrganisationId", "Sequence", "PhaseIndex", "Speaker", "Kind", "Text",
                "Stopped", "Assessment", "CreatedAt")
            VALUES ($id, $session, $org, $sequence, $phase, $speaker, $kind, $text, 0, $assessment, $created)
            """);
        score = Command(connection, transaction, """
            INSERT INTO "CriterionResults" ("OrganisationId", "MessageId", "SessionId", "UserId", "ScenarioId", "Criterion", "Score")
            VALUES ($org, $message, $session, $user, $scenario, $criterion, $score)
            """);
        using var max = connection.CreateCommand();
        max.Transaction = transaction;
        max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM PracticeMessages";
        nextMessageId = Convert.ToInt64(max.ExecuteScalar()) + 1;
    }

    public void WriteSession(Guid id, string userId, int scenarioId, string title, string snapshotJson, SessionStage stage, int phaseIndex,
        IReadOnlyList<PhaseOutcome> outcomes, int? score, int xp, DateTimeOffset started, DateTimeOffset updated, DateTimeOffset? completed, int answers)
    {
        Set(session, "$answers", answers);
        Set(session, "$id", RawScenarioWriter.Guid(id));
        Set(session, "$org", organisationId);
        Set(session, "$user", userId);
        Set(session, "$scenario", scenarioId);
        Set(session, "$title", title);
        Set(session, "$snapshot", snapshotJson);
        Set(session, "$stage", stage.ToString());
        Set(session, "$phase", phaseIndex);
        Set(session, "$turn", 0);
        Set(session, "$outcomes", ScenarioJson.Serialize(outcomes.ToList()));
        Set(session, "$score", score);
        Set(session, "$xp", xp);
        Set(session, "$provider", "Offline");
        Set(session, "$started", RawScenarioWriter.Binary(started));
        Set(session, "$updated", RawScenarioWriter.Binary(updated));
        Set(session, "$completed", completed is { } c ? RawScenarioWriter.Binary(c) : null);
        session.ExecuteNonQuery();
    }

    /// <summary>A message, and for an assessment its criterion rows, as PracticeService writes them.</summary>
    public void WriteMessage(Guid sessionId, string userId, int scenarioId, int sequence, int phaseIndex, Speaker speaker, MessageKind kind,
        string text, Assessment? assessment, DateTimeOffset created)
    {
        var id = nextMessageId++;
        Set(message, "$id", id);
        Set(message, "$session", RawScenarioWriter.Guid(sessionId));
        Set(message, "$org", organisationId);
        Set(message, "$sequence", sequence);
        Set(message, "$phase", phaseIndex);
        Set(message, "$speaker", speaker.ToString());
        Set(message, "$kind", kind.ToString());
        Set(message, "$text", text);
        Set(message, "$assessment", assessment is null ? null : ScenarioJson.Serialize(assessment));
        Set(message, "$created", RawScenarioWriter.Binary(created));
        message.ExecuteNonQuery();
        foreach (var c in assessment?.Criteria ?? [])
        {
            Set(score, "$org", organisationId);
            Set(score, "$message", id);
            Set(score, "$session", RawScenarioWriter.Guid(sessionId));
            Set(score, "$user", userId);
            Set(score, "$scenario", scenarioId);
            Set(score, "$criterion", c.Name);
            Set(score, "$score", c.Score);
            score.ExecuteNonQuery();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+").Select(m => m.Value).Distinct())
            command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, string name, object? value) =>
        command.Parameters[name].Value = value ?? DBNull.Value;

    public void Dispose()
    {
        session.Dispose();
        message.Dispose();
        score.Dispose();
    }
}

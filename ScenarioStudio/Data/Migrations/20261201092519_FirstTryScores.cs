using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class FirstTryScores : Migration
    {
        /// <summary>
        /// Sessions practised before it are rescored on their first tries: a repeat's criterion rows leave the
        /// dashboards (the totals' trigger follows each delete), and each completed session's score becomes its best
        /// first try per phase averaged over the phases, with its XP recomputed from that score.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM "CriterionResults" WHERE "MessageId" IN (
                    SELECT c."Id" FROM "PracticeMessages" AS c
                    WHERE c."Speaker" = 'Coach' AND (SELECT l."Kind" FROM "PracticeMessages" AS l
                     WHERE l."SessionId" = c."SessionId" AND l."Speaker" = 'Learner' AND l."Sequence" < c."Sequence"
                     ORDER BY l."Sequence" DESC LIMIT 1) = 'Repeat');
                """);
            migrationBuilder.Sql("""
                CREATE TEMP TABLE "FirstTryBest" AS
                SELECT c."SessionId", c."PhaseIndex", MAX(json_extract(c."Assessment", '$.overall')) AS "Best"
                FROM "PracticeMessages" AS c
                WHERE c."Speaker" = 'Coach' AND c."Stopped" = 0 AND c."Assessment" IS NOT NULL AND (SELECT l."Kind" FROM "PracticeMessages" AS l
                     WHERE l."SessionId" = c."SessionId" AND l."Speaker" = 'Learner' AND l."Sequence" < c."Sequence"
                     ORDER BY l."Sequence" DESC LIMIT 1) = 'Answer'
                GROUP BY c."SessionId", c."PhaseIndex";
                """);
            migrationBuilder.Sql("""
                UPDATE "PracticeSessions"
                SET "OverallScore" = CAST(ROUND(COALESCE((SELECT SUM(b."Best") FROM "FirstTryBest" AS b WHERE b."SessionId" = "PracticeSessions"."Id"), 0)
                    * 1.0 / json_array_length("Snapshot", '$.phases')) AS INTEGER)
                WHERE "CompletedAt" IS NOT NULL AND json_array_length("Snapshot", '$.phases') > 0;
                """);
            migrationBuilder.Sql("""
                UPDATE "PracticeSessions"
                SET "XpEarned" = CAST(ROUND(COALESCE(json_extract("Snapshot", '$.xpReward'), 100) * "OverallScore" / 100.0) AS INTEGER)
                WHERE "CompletedAt" IS NOT NULL AND "OverallScore" IS NOT NULL;
                """);
            migrationBuilder.Sql("""DROP TABLE "FirstTryBest";""");
        }

        /// <summary>The old scores (best of any attempt) are not kept: going back leaves the first-try scores in place.</summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}

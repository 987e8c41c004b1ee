using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class DashboardScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Answers",
                table: "PracticeSessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "CriterionResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ScenarioId = table.Column<int>(type: "INTEGER", nullable: false),
                    Criterion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CriterionResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CriterionResults_PracticeMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "PracticeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "CompletedAt", "OverallScore", "XpEarned", "UpdatedAt", "ScenarioId", "ScenarioTitle" });

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_MessageId",
                table: "CriterionResults",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_OrganisationId_ScenarioId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "OrganisationId", "ScenarioId", "Criterion", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_OrganisationId_UserId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "OrganisationId", "UserId", "Criterion", "Score" });

            // Scores already given: one row per criterion of every kept (not stopped) assessment.
            migrationBuilder.Sql("""
                INSERT INTO "CriterionResults" ("OrganisationId", "MessageId", "SessionId", "UserId", "ScenarioId", "Criterion", "Score")
                SELECT m."OrganisationId", m."Id", m."SessionId", s."UserId", s."ScenarioId",
                       substr(json_extract(c.value, '$.name'), 1, 100), CAST(json_extract(c.value, '$.score') AS INTEGER)
                FROM "PracticeMessages" m
                JOIN "PracticeSessions" s ON s."Id" = m."SessionId"
                JOIN json_each(m."Assessment", '$.criteria') c
                WHERE m."Stopped" = 0 AND m."Assessment" IS NOT NULL;
                """);

            migrationBuilder.Sql("""
                UPDATE "PracticeSessions" SET "Answers" =
                    (SELECT COUNT(*) FROM "PracticeMessages" m WHERE m."SessionId" = "PracticeSessions"."Id" AND m."Speaker" = 'Learner');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CriterionResults");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "Answers",
                table: "PracticeSessions");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class SchedulesExperimentsAndCoaching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "VariantOfId",
                table: "Scenarios",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ExperimentId",
                table: "PracticeSessions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Variant",
                table: "PracticeSessions",
                type: "TEXT",
                maxLength: 1,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ExperimentId",
                table: "CriterionResults",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Variant",
                table: "CriterionResults",
                type: "TEXT",
                maxLength: 1,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CalendarFeeds",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarFeeds", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_CalendarFeeds_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CoachingNotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EditedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoachingNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "PracticeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentCriterionTotals",
                columns: table => new
                {
                    ExperimentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Variant = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Criterion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Samples = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentCriterionTotals", x => new { x.ExperimentId, x.Variant, x.Criterion });
                });

            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ScenarioAId = table.Column<int>(type: "INTEGER", nullable: false),
                    ScenarioBId = table.Column<int>(type: "INTEGER", nullable: false),
                    PercentB = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    StartedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Winner = table.Column<string>(type: "TEXT", maxLength: 1, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioAId",
                        column: x => x.ScenarioAId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioBId",
                        column: x => x.ScenarioBId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PracticeSlots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Days = table.Column<int>(type: "INTEGER", nullable: false),
                    StartTime = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DurationMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeSlots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PracticeSlots_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SessionReviews",
                columns: table => new
                {
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ReviewedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SessionReviews", x => x.SessionId);
                    table.ForeignKey(
                        name: "FK_SessionReviews_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_VariantOfId",
                table: "Scenarios",
                column: "VariantOfId",
                filter: "\"VariantOfId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Experiment",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ExperimentId", "Variant", "UserId", "CompletedAt", "OverallScore", "Answers", "IsTryOut" },
                filter: "\"ExperimentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CalendarFeeds_TokenHash",
                table: "CalendarFeeds",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_MessageId",
                table: "CoachingNotes",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_OrganisationId_SessionId_CreatedAt",
                table: "CoachingNotes",
                columns: new[] { "OrganisationId", "SessionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_SessionId",
                table: "CoachingNotes",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_StartedAt",
                table: "Experiments",
                columns: new[] { "OrganisationId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioAId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioAId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioBId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioBId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioAId",
                table: "Experiments",
                column: "ScenarioAId");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioBId",
                table: "Experiments",
                column: "ScenarioBId");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSlots_OrganisationId_TeamId",
                table: "PracticeSlots",
                columns: new[] { "OrganisationId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSlots_TeamId",
                table: "PracticeSlots",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_SessionReviews_OrganisationId_SessionId",
                table: "SessionReviews",
                columns: new[] { "OrganisationId", "SessionId" });

            // The experiment page's per-criterion averages: kept as CriterionTotals are (20261123080651_CriterionTotals), from
            // the experiment and variant each criterion row carries, so a deleted session's rows still find their total.
            migrationBuilder.Sql("""
                CREATE TRIGGER "CriterionResults_Experiment_AfterInsert" AFTER INSERT ON "CriterionResults"
                WHEN new."ExperimentId" IS NOT NULL BEGIN
                    INSERT INTO "ExperimentCriterionTotals" ("OrganisationId", "ExperimentId", "Variant", "Criterion", "Total", "Samples")
                    VALUES (new."OrganisationId", new."ExperimentId", new."Variant", new."Criterion", new."Score", 1)
                    ON CONFLICT ("ExperimentId", "Variant", "Criterion")
                    DO UPDATE SET "Total" = "Total" + excluded."Total", "Samples" = "Samples" + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "CriterionResults_Experiment_AfterDelete" AFTER DELETE ON "CriterionResults"
                WHEN old."ExperimentId" IS NOT NULL BEGIN
                    UPDATE "ExperimentCriterionTotals" SET "Total" = "Total" - old."Score", "Samples" = "Samples" - 1
                    WHERE "ExperimentId" = old."ExperimentId" AND "Variant" = old."Variant" AND "Criterion" = old."Criterion";
                    DELETE FROM "ExperimentCriterionTotals"
                    WHERE "ExperimentId" = old."ExperimentId" AND "Variant" = old."Variant" AND "Criterion" = old."Criterion" AND "Samples" <= 0;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CriterionResults_Experiment_AfterInsert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CriterionResults_Experiment_AfterDelete";""");
            migrationBuilder.DropTable(
                name: "CalendarFeeds");

            migrationBuilder.DropTable(
                name: "CoachingNotes");

            migrationBuilder.DropTable(
                name: "ExperimentCriterionTotals");

            migrationBuilder.DropTable(
                name: "Experiments");

            migrationBuilder.DropTable(
                name: "PracticeSlots");

            migrationBuilder.DropTable(
                name: "SessionReviews");

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_VariantOfId",
                table: "Scenarios");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Experiment",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "VariantOfId",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "ExperimentId",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "Variant",
                table: "PracticeSessions");

            // SQLite's own DROP COLUMN: EF's DropColumn rebuilds the table, which would drop the criterion totals' triggers
            // (20261123080651_CriterionTotals) on it.
            migrationBuilder.Sql("""ALTER TABLE "CriterionResults" DROP COLUMN "ExperimentId";""");
            migrationBuilder.Sql("""ALTER TABLE "CriterionResults" DROP COLUMN "Variant";""");
        }
    }
}

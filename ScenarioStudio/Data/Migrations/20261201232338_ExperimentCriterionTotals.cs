using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExperimentCriterionTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CriterionResults_SessionId_Criterion_Score",
                table: "CriterionResults");

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

            // The experiment page's per-criterion averages: kept as CriterionTotals are (20261123080651_CriterionTotals), from
            // the experiment and variant each criterion row carries, so a deleted session's rows still find their total.
            // Rows scored before this migration (experiments already running) get their session's experiment and their totals.
            migrationBuilder.Sql("""
                UPDATE "CriterionResults" SET
                    "ExperimentId" = (SELECT s."ExperimentId" FROM "PracticeSessions" s WHERE s."Id" = "CriterionResults"."SessionId"),
                    "Variant" = (SELECT s."Variant" FROM "PracticeSessions" s WHERE s."Id" = "CriterionResults"."SessionId")
                WHERE "SessionId" IN (SELECT "Id" FROM "PracticeSessions" WHERE "ExperimentId" IS NOT NULL);
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ExperimentCriterionTotals" ("OrganisationId", "ExperimentId", "Variant", "Criterion", "Total", "Samples")
                SELECT "OrganisationId", "ExperimentId", "Variant", "Criterion", SUM("Score"), COUNT(*) FROM "CriterionResults"
                WHERE "ExperimentId" IS NOT NULL GROUP BY "OrganisationId", "ExperimentId", "Variant", "Criterion";
                """);
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
                name: "ExperimentCriterionTotals");

            migrationBuilder.DropColumn(
                name: "ExperimentId",
                table: "CriterionResults");

            migrationBuilder.DropColumn(
                name: "Variant",
                table: "CriterionResults");

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_SessionId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "SessionId", "Criterion", "Score" });
        }
    }
}

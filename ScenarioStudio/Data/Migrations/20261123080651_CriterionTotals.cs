using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class CriterionTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CriterionTotals",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Criterion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Samples = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CriterionTotals", x => new { x.OrganisationId, x.UserId, x.Criterion });
                });

            // Kept by the database itself, so every writer (the app, a cascade, the benchmark loader) keeps them right.
            migrationBuilder.Sql("""
                CREATE TRIGGER "CriterionResults_AfterInsert" AFTER INSERT ON "CriterionResults" BEGIN
                    INSERT INTO "CriterionTotals" ("OrganisationId", "UserId", "Criterion", "Total", "Samples")
                    VALUES (new."OrganisationId", new."UserId", new."Criterion", new."Score", 1)
                    ON CONFLICT ("OrganisationId", "UserId", "Criterion")
                    DO UPDATE SET "Total" = "Total" + excluded."Total", "Samples" = "Samples" + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "CriterionResults_AfterDelete" AFTER DELETE ON "CriterionResults" BEGIN
                    UPDATE "CriterionTotals" SET "Total" = "Total" - old."Score", "Samples" = "Samples" - 1
                    WHERE "OrganisationId" = old."OrganisationId" AND "UserId" = old."UserId" AND "Criterion" = old."Criterion";
                    DELETE FROM "CriterionTotals"
                    WHERE "OrganisationId" = old."OrganisationId" AND "UserId" = old."UserId" AND "Criterion" = old."Criterion" AND "Samples" <= 0;
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "CriterionTotals" ("OrganisationId", "UserId", "Criterion", "Total", "Samples")
                SELECT "OrganisationId", "UserId", "Criterion", SUM("Score"), COUNT(*) FROM "CriterionResults"
                GROUP BY "OrganisationId", "UserId", "Criterion";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CriterionResults_AfterInsert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CriterionResults_AfterDelete";""");
            migrationBuilder.DropTable(
                name: "CriterionTotals");
        }
    }
}

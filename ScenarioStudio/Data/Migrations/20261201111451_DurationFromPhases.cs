using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <summary>A scenario's duration becomes its phases' expected minutes added up, as the builder now computes it.</summary>
    public partial class DurationFromPhases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "Scenarios"
                SET "EstimatedMinutes" = (
                    SELECT SUM(COALESCE(json_extract(p."Content", '$.expectedMinutes'), 3)) FROM "ScenarioPhases" p WHERE p."ScenarioId" = "Scenarios"."Id")
                WHERE EXISTS (SELECT 1 FROM "ScenarioPhases" p WHERE p."ScenarioId" = "Scenarios"."Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The old figures were typed by hand and are not kept; the computed ones stay valid durations.
        }
    }
}

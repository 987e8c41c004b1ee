using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionAnalyticsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_OrganisationId_ScenarioId",
                table: "PracticeSessions");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ScenarioId", "CompletedAt", "PhaseIndex", "OverallScore", "Outcomes", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_OrganisationId_ScenarioId",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ScenarioId" });
        }
    }
}

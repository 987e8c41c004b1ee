using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class TryOuts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions");

            migrationBuilder.AddColumn<bool>(
                name: "IsTryOut",
                table: "PracticeSessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "TryOutOf",
                table: "PracticeSessions",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ScenarioId", "CompletedAt", "PhaseIndex", "OverallScore", "Outcomes", "Id", "ScenarioVersion", "IsTryOut" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "CompletedAt", "OverallScore", "XpEarned", "UpdatedAt", "ScenarioId", "ScenarioTitle", "IsTryOut" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_TryOuts",
                table: "PracticeSessions",
                column: "StartedAt",
                filter: "\"IsTryOut\" = 1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_TryOuts",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "IsTryOut",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "TryOutOf",
                table: "PracticeSessions");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ScenarioId", "CompletedAt", "PhaseIndex", "OverallScore", "Outcomes", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "CompletedAt", "OverallScore", "XpEarned", "UpdatedAt", "ScenarioId", "ScenarioTitle" });
        }
    }
}

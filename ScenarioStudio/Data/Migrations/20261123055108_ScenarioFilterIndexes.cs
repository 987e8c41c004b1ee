using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScenarioFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Difficulty_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Difficulty", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Domain_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Domain", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Scenarios_OrganisationId_Difficulty_UpdatedAt",
                table: "Scenarios");

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_OrganisationId_Domain_UpdatedAt",
                table: "Scenarios");
        }
    }
}

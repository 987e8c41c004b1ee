using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScenarioTemplateKeyIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_TemplateKey",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "TemplateKey" },
                filter: "\"TemplateKey\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Scenarios_OrganisationId_TemplateKey",
                table: "Scenarios");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class SharedCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SharedFrom",
                table: "Scenarios",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Catalogue",
                table: "Scenarios",
                columns: new[] { "PublishedAt", "Id", "OrganisationId", "IsSystem" },
                filter: "\"Visibility\" = 'Public' AND \"Status\" = 'Published'");

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Catalogue_Domain",
                table: "Scenarios",
                columns: new[] { "Domain", "PublishedAt", "Id", "OrganisationId", "IsSystem" },
                filter: "\"Visibility\" = 'Public' AND \"Status\" = 'Published'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Scenarios_Catalogue",
                table: "Scenarios");

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_Catalogue_Domain",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "SharedFrom",
                table: "Scenarios");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrganisationSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SuspendedAt",
                table: "Organisations",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "Organisations");
        }
    }
}

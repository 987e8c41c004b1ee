using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrganisationSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SuspendedAt",
                table: "Organisations",
                type: "timestamp with time zone",
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

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScenarioVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LiveVersion",
                table: "Scenarios",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SubmittedAt",
                table: "Scenarios",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedById",
                table: "Scenarios",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ScenarioVersion",
                table: "PracticeSessions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AllowSelfApproval",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ScenarioVersion",
                table: "Assignments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ReviewEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScenarioId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewEvents_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioDrafts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScenarioId = table.Column<int>(type: "INTEGER", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    Visibility = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    BaseVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioDrafts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioDrafts_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScenarioId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    ChangeNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PublishedById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PublishedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioVersions_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Unversioned",
                table: "Scenarios",
                column: "Id",
                filter: "\"LiveVersion\" IS NULL AND \"Status\" = 'Published'");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewEvents_ScenarioId_Id",
                table: "ReviewEvents",
                columns: new[] { "ScenarioId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioDrafts_OrganisationId_Status_SubmittedAt",
                table: "ScenarioDrafts",
                columns: new[] { "OrganisationId", "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioDrafts_ScenarioId",
                table: "ScenarioDrafts",
                column: "ScenarioId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioVersions_ScenarioId_Number",
                table: "ScenarioVersions",
                columns: new[] { "ScenarioId", "Number" },
                unique: true);

            // Every phase gets a key of its own, so versions, diffs and analytics match phases by key, not position.
            migrationBuilder.Sql("""
                UPDATE ScenarioPhases SET Content = json_set(Content, '$.key', lower(hex(randomblob(6))))
                WHERE coalesce(json_extract(Content, '$.key'), '') = '';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReviewEvents");

            migrationBuilder.DropTable(
                name: "ScenarioDrafts");

            migrationBuilder.DropTable(
                name: "ScenarioVersions");

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_Unversioned",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "LiveVersion",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "SubmittedAt",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "SubmittedById",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "ScenarioVersion",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "AllowSelfApproval",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "ScenarioVersion",
                table: "Assignments");
        }
    }
}

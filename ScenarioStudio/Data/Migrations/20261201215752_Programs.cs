using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class Programs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TrainingPrograms",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Days = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    TemplateKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CreatedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingPrograms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProgramEnrolments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WholeTeam = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Days = table.Column<string>(type: "TEXT", nullable: false),
                    Pins = table.Column<string>(type: "TEXT", nullable: false),
                    AssignedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgramEnrolments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProgramEnrolments_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProgramEnrolments_TrainingPrograms_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "TrainingPrograms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProgramEnrolmentMembers",
                columns: table => new
                {
                    EnrolmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgramEnrolmentMembers", x => new { x.EnrolmentId, x.UserId });
                    table.ForeignKey(
                        name: "FK_ProgramEnrolmentMembers_ProgramEnrolments_EnrolmentId",
                        column: x => x.EnrolmentId,
                        principalTable: "ProgramEnrolments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Programs",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "ScenarioId", "CompletedAt", "OverallScore", "ScenarioVersion", "IsTryOut", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolmentMembers_OrganisationId_UserId",
                table: "ProgramEnrolmentMembers",
                columns: new[] { "OrganisationId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_OrganisationId_ProgramId",
                table: "ProgramEnrolments",
                columns: new[] { "OrganisationId", "ProgramId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_OrganisationId_TeamId",
                table: "ProgramEnrolments",
                columns: new[] { "OrganisationId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_ProgramId",
                table: "ProgramEnrolments",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_TeamId",
                table: "ProgramEnrolments",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPrograms_OrganisationId_Name",
                table: "TrainingPrograms",
                columns: new[] { "OrganisationId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPrograms_OrganisationId_TemplateKey",
                table: "TrainingPrograms",
                columns: new[] { "OrganisationId", "TemplateKey" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProgramEnrolmentMembers");

            migrationBuilder.DropTable(
                name: "ProgramEnrolments");

            migrationBuilder.DropTable(
                name: "TrainingPrograms");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Programs",
                table: "PracticeSessions");
        }
    }
}

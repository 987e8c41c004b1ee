using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class VariantsAndCoachingNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "VariantOfId",
                table: "Scenarios",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ExperimentId",
                table: "PracticeSessions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Variant",
                table: "PracticeSessions",
                type: "TEXT",
                maxLength: 1,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CoachingNotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EditedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoachingNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "PracticeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ScenarioAId = table.Column<int>(type: "INTEGER", nullable: false),
                    ScenarioBId = table.Column<int>(type: "INTEGER", nullable: false),
                    PercentB = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    StartedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Winner = table.Column<string>(type: "TEXT", maxLength: 1, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioAId",
                        column: x => x.ScenarioAId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioBId",
                        column: x => x.ScenarioBId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SessionReviews",
                columns: table => new
                {
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ReviewedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SessionReviews", x => x.SessionId);
                    table.ForeignKey(
                        name: "FK_SessionReviews_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_VariantOfId",
                table: "Scenarios",
                column: "VariantOfId",
                filter: "\"VariantOfId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Experiment",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ExperimentId", "Variant", "UserId", "CompletedAt", "OverallScore", "Answers", "IsTryOut" },
                filter: "\"ExperimentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_SessionId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "SessionId", "Criterion", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_MessageId",
                table: "CoachingNotes",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_OrganisationId_SessionId_CreatedAt",
                table: "CoachingNotes",
                columns: new[] { "OrganisationId", "SessionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_SessionId",
                table: "CoachingNotes",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_StartedAt",
                table: "Experiments",
                columns: new[] { "OrganisationId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioAId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioAId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioBId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioBId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioAId",
                table: "Experiments",
                column: "ScenarioAId");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioBId",
                table: "Experiments",
                column: "ScenarioBId");

            migrationBuilder.CreateIndex(
                name: "IX_SessionReviews_OrganisationId_SessionId",
                table: "SessionReviews",
                columns: new[] { "OrganisationId", "SessionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CoachingNotes");

            migrationBuilder.DropTable(
                name: "Experiments");

            migrationBuilder.DropTable(
                name: "SessionReviews");

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_VariantOfId",
                table: "Scenarios");

            migrationBuilder.DropIndex(
                name: "IX_PracticeSessions_Experiment",
                table: "PracticeSessions");

            migrationBuilder.DropIndex(
                name: "IX_CriterionResults_SessionId_Criterion_Score",
                table: "CriterionResults");

            migrationBuilder.DropColumn(
                name: "VariantOfId",
                table: "Scenarios");

            migrationBuilder.DropColumn(
                name: "ExperimentId",
                table: "PracticeSessions");

            migrationBuilder.DropColumn(
                name: "Variant",
                table: "PracticeSessions");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditAppendOnly : Migration
    {
        /// <summary>
        /// The audit log is append-only: whatever runs an UPDATE or DELETE on it (a bulk update, raw SQL, a tool on the
        /// file) is aborted. A later migration that rebuilds this table must create the triggers again. The indexes
        /// let every filter combination of the audit page seek (AuditLogService).
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries"
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: audit entries cannot be changed.'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: audit entries cannot be deleted.'); END;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_ActorId_Action_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "ActorId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_At",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Action_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "SubjectKind", "SubjectId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_ActorId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "SubjectKind", "SubjectId", "ActorId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEntries_no_update\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEntries_no_delete\";");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_OrganisationId_ActorId_Action_Id",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_OrganisationId_At",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Action_Id",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_ActorId_Id",
                table: "AuditEntries");
        }
    }
}

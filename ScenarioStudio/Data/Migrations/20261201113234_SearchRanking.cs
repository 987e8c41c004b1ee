using Microsoft.EntityFrameworkCore.Migrations;
using ScenarioStudio.Scenarios;

#nullable disable

namespace ScenarioStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class SearchRanking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Search",
                table: "Scenarios",
                columns: new[] { "Id", "OrganisationId", "Status", "Visibility", "CreatedById", "Domain", "Difficulty", "Category", "UpdatedAt" });

            // The search index again, with prefix indexes and facets. The text is copied from the old table, which stores
            // it; the facets are written as ScenarioSearchIndex.Facets writes them (U+E000 "domainsales", U+E000 "difficultybeginner"…).
            migrationBuilder.Sql("ALTER TABLE scenario_fts RENAME TO scenario_fts_old;");
            migrationBuilder.Sql(ScenarioSearchIndex.CreateSql);
            migrationBuilder.Sql("""
                INSERT INTO scenario_fts(rowid, title, description, tags, phases, facets)
                SELECT o.rowid, o.title, o.description, o.tags, o.phases,
                    char(57344) || 'domain' || lower(s.Domain) || ' ' || char(57344) || 'difficulty' || lower(s.Difficulty) || ' ' ||
                    char(57344) || 'status' || lower(s.Status) || ' ' || char(57344) || 'visibility' || lower(s.Visibility)
                FROM scenario_fts_old AS o JOIN Scenarios AS s ON s.Id = o.rowid;
                DROP TABLE scenario_fts_old;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE scenario_fts RENAME TO scenario_fts_old;");
            migrationBuilder.Sql(
                "CREATE VIRTUAL TABLE scenario_fts USING fts5(title, description, tags, phases, tokenize = 'unicode61 remove_diacritics 2');");
            migrationBuilder.Sql("""
                INSERT INTO scenario_fts(rowid, title, description, tags, phases)
                SELECT rowid, title, description, tags, phases FROM scenario_fts_old;
                DROP TABLE scenario_fts_old;
                """);

            migrationBuilder.DropIndex(
                name: "IX_Scenarios_Search",
                table: "Scenarios");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations.Postgres
{
    /// <summary>
    /// Search reads matching ids from the GIN index, always. The tsvectors live out of line (TOAST: 5 MB of table, 290 MB of
    /// documents for 100,000 scenarios), which the planner does not count, so for a rare word it chose a sequential scan
    /// that reads and tests every document (about 1 s at 100,000 scenarios against 2 ms through the index), and for a
    /// common one a walk down the primary key testing each row. The function runs the match with only the bitmap index
    /// scan allowed (function-level settings, reset when it returns); the GIN index answers @@ without reading the documents.
    /// </summary>
    public partial class SearchMatchesFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION "ScenarioSearchMatches"(query tsquery) RETURNS TABLE ("ScenarioId" integer)
                LANGUAGE plpgsql STABLE ROWS 1000
                SET enable_seqscan = off SET enable_indexscan = off SET max_parallel_workers_per_gather = 0
                AS $$
                BEGIN
                    RETURN QUERY SELECT x."ScenarioId" FROM "ScenarioSearch" AS x WHERE x."Document" @@ query;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP FUNCTION "ScenarioSearchMatches"(tsquery);""");
        }
    }
}

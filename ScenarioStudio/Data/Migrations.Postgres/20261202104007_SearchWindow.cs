using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchWindow : Migration
    {
        /// <summary>
        /// A GIN index cannot hand matches over newest first, so a common word's search read every match (50,000 of
        /// 100,000 scenarios: 250 ms) to keep the newest thousand. The index now holds the scenario id beside the
        /// document (btree_gin, a contrib module shipped with PostgreSQL and trusted, so the database owner may create
        /// it), and "ScenarioSearchMatches" takes the lowest id to consider: the index itself intersects the words with
        /// the id range, and PostgresDialect.NewestHitsAsync widens the range until it holds enough matches (2 ms for
        /// the newest 2,000 ids). Without from_id it reads every match, as before.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS btree_gin;
                DROP INDEX "IX_ScenarioSearch_Document";
                CREATE INDEX "IX_ScenarioSearch_Document_Id" ON "ScenarioSearch" USING gin ("Document", "ScenarioId");
                DROP FUNCTION "ScenarioSearchMatches"(tsquery);
                CREATE FUNCTION "ScenarioSearchMatches"(query tsquery, from_id integer DEFAULT NULL) RETURNS TABLE ("ScenarioId" integer)
                LANGUAGE plpgsql STABLE ROWS 1000
                SET enable_seqscan = off SET enable_indexscan = off SET max_parallel_workers_per_gather = 0
                AS $$
                BEGIN
                    IF from_id IS NULL THEN
                        RETURN QUERY SELECT x."ScenarioId" FROM "ScenarioSearch" AS x WHERE x."Document" @@ query;
                    ELSE
                        RETURN QUERY SELECT x."ScenarioId" FROM "ScenarioSearch" AS x WHERE x."Document" @@ query AND x."ScenarioId" >= from_id;
                    END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION "ScenarioSearchMatches"(tsquery, integer);
                CREATE FUNCTION "ScenarioSearchMatches"(query tsquery) RETURNS TABLE ("ScenarioId" integer)
                LANGUAGE plpgsql STABLE ROWS 1000
                SET enable_seqscan = off SET enable_indexscan = off SET max_parallel_workers_per_gather = 0
                AS $$
                BEGIN
                    RETURN QUERY SELECT x."ScenarioId" FROM "ScenarioSearch" AS x WHERE x."Document" @@ query;
                END
                $$;
                DROP INDEX "IX_ScenarioSearch_Document_Id";
                CREATE INDEX "IX_ScenarioSearch_Document" ON "ScenarioSearch" USING gin ("Document");
                """);
        }
    }
}

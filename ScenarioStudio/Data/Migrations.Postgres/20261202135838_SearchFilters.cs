using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScenarioStudio.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchFilters : Migration
    {
        /// <summary>
        /// Two ways to the newest matches of a search, neither reading every match's scenario:
        /// <list type="bullet">
        /// <item>"ScenarioSearchNewest": the newest ids in order from <c>from_id</c> up, each document checked (about
        /// 4 µs an id). For the newest 1,251 ids, a word in most scenarios is done there.</item>
        /// <item>"ScenarioSearchMatches": every match through the GIN index, newest first, at most <c>max_count</c>. The
        /// GIN index hands matches over in no useful order, so it reads them all; but only the index and the small main
        /// table (the documents live out of line and are not read), 7–18 ms for a word in a quarter of 100,000 scenarios.
        /// The id range inside the index (SearchWindow, btree_gin) cost more than that: the index merged one entry a
        /// scenario id (45–70 ms for the newest 12,000 ids).</item>
        /// </list>
        /// Both narrow by the organisation and the list's filters (status, domain, difficulty, visibility) on the index
        /// row itself: the rows carry them now, kept by a trigger on "Scenarios" as the criterion totals are. Before, a
        /// search filtered by a status looked every match up in "Scenarios" to drop the others (200–250 ms for a common
        /// word among the Archived), and on an install of many organisations the others' matches came first. They are
        /// not keys of the GIN index: a filter that most rows pass (one organisation, Published) made the index decode
        /// its posting list of every row, 20 ms more, where reading them from the matching rows costs nothing extra.
        /// PostgresDialect.NewestHitsAsync uses both functions.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "ScenarioSearch" ADD COLUMN "OrganisationId" uuid, ADD COLUMN "Status" text, ADD COLUMN "Domain" text,
                    ADD COLUMN "Difficulty" text, ADD COLUMN "Visibility" text;
                UPDATE "ScenarioSearch" AS x SET "OrganisationId" = s."OrganisationId", "Status" = s."Status", "Domain" = s."Domain",
                    "Difficulty" = s."Difficulty", "Visibility" = s."Visibility"
                FROM "Scenarios" AS s WHERE s."Id" = x."ScenarioId";
                ALTER TABLE "ScenarioSearch" ALTER COLUMN "OrganisationId" SET NOT NULL, ALTER COLUMN "Status" SET NOT NULL,
                    ALTER COLUMN "Domain" SET NOT NULL, ALTER COLUMN "Difficulty" SET NOT NULL, ALTER COLUMN "Visibility" SET NOT NULL;
                DROP INDEX "IX_ScenarioSearch_Document_Id";
                CREATE INDEX "IX_ScenarioSearch_Document" ON "ScenarioSearch" USING gin ("Document");

                CREATE FUNCTION "Scenarios_keep_search_filters"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "ScenarioSearch" SET "OrganisationId" = NEW."OrganisationId", "Status" = NEW."Status", "Domain" = NEW."Domain",
                        "Difficulty" = NEW."Difficulty", "Visibility" = NEW."Visibility"
                    WHERE "ScenarioId" = NEW."Id";
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "Scenarios_keep_search_filters"
                AFTER UPDATE OF "OrganisationId", "Status", "Domain", "Difficulty", "Visibility" ON "Scenarios"
                FOR EACH ROW WHEN (OLD."OrganisationId" IS DISTINCT FROM NEW."OrganisationId" OR OLD."Status" IS DISTINCT FROM NEW."Status"
                    OR OLD."Domain" IS DISTINCT FROM NEW."Domain" OR OLD."Difficulty" IS DISTINCT FROM NEW."Difficulty"
                    OR OLD."Visibility" IS DISTINCT FROM NEW."Visibility")
                EXECUTE FUNCTION "Scenarios_keep_search_filters"();

                DROP FUNCTION "ScenarioSearchMatches"(tsquery, integer);
                CREATE FUNCTION "ScenarioSearchMatches"(query tsquery, organisation uuid DEFAULT NULL, status text DEFAULT NULL,
                    domain text DEFAULT NULL, difficulty text DEFAULT NULL, visibility text DEFAULT NULL, max_count integer DEFAULT NULL)
                RETURNS TABLE ("ScenarioId" integer)
                LANGUAGE plpgsql STABLE ROWS 1000
                SET enable_seqscan = off SET enable_indexscan = off SET max_parallel_workers_per_gather = 0
                AS $$
                BEGIN
                    RETURN QUERY EXECUTE 'SELECT x."ScenarioId" FROM "ScenarioSearch" AS x WHERE x."Document" @@ $1'
                        || CASE WHEN organisation IS NULL THEN '' ELSE ' AND x."OrganisationId" = $2' END
                        || CASE WHEN status IS NULL THEN '' ELSE ' AND x."Status" = $3' END
                        || CASE WHEN domain IS NULL THEN '' ELSE ' AND x."Domain" = $4' END
                        || CASE WHEN difficulty IS NULL THEN '' ELSE ' AND x."Difficulty" = $5' END
                        || CASE WHEN visibility IS NULL THEN '' ELSE ' AND x."Visibility" = $6' END
                        || CASE WHEN max_count IS NULL THEN '' ELSE ' ORDER BY x."ScenarioId" DESC LIMIT $7' END
                        USING query, organisation, status, domain, difficulty, visibility, max_count;
                END
                $$;
                CREATE FUNCTION "ScenarioSearchNewest"(query tsquery, from_id integer, organisation uuid DEFAULT NULL, status text DEFAULT NULL,
                    domain text DEFAULT NULL, difficulty text DEFAULT NULL, visibility text DEFAULT NULL)
                RETURNS TABLE ("ScenarioId" integer)
                LANGUAGE plpgsql STABLE ROWS 1000
                SET enable_seqscan = off SET enable_bitmapscan = off SET max_parallel_workers_per_gather = 0
                AS $$
                BEGIN
                    RETURN QUERY SELECT x."ScenarioId" FROM "ScenarioSearch" AS x
                        WHERE x."ScenarioId" >= coalesce(from_id, 0) AND x."Document" @@ query
                          AND (organisation IS NULL OR x."OrganisationId" = organisation)
                          AND (status IS NULL OR x."Status" = status) AND (domain IS NULL OR x."Domain" = domain)
                          AND (difficulty IS NULL OR x."Difficulty" = difficulty) AND (visibility IS NULL OR x."Visibility" = visibility);
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION "ScenarioSearchNewest"(tsquery, integer, uuid, text, text, text, text);
                DROP FUNCTION "ScenarioSearchMatches"(tsquery, uuid, text, text, text, text, integer);
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
                DROP TRIGGER "Scenarios_keep_search_filters" ON "Scenarios";
                DROP FUNCTION "Scenarios_keep_search_filters"();
                DROP INDEX "IX_ScenarioSearch_Document";
                CREATE INDEX "IX_ScenarioSearch_Document_Id" ON "ScenarioSearch" USING gin ("Document", "ScenarioId");
                ALTER TABLE "ScenarioSearch" DROP COLUMN "OrganisationId", DROP COLUMN "Status", DROP COLUMN "Domain", DROP COLUMN "Difficulty",
                    DROP COLUMN "Visibility";
                """);
        }
    }
}

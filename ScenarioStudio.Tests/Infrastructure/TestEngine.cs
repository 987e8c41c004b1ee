using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// The database engine the tests run on. By default SQLite: a file in each test's data directory. With
/// <c>TEST_DATABASE=postgres</c>, PostgreSQL: the server in <c>TEST_POSTGRES</c> (a connection string without a database,
/// e.g. <c>Host=127.0.0.1;Port=5433;Username=postgres</c>) gets a fresh database per data directory, created by the
/// app's own migrations on start and dropped when the test's database or app is disposed. Two instances given the same
/// data directory (two nodes of one install) share one database, as they share one SQLite file.
/// </summary>
public static class TestEngine
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string PostgresServer => Environment.GetEnvironmentVariable("TEST_POSTGRES") is { Length: > 0 } server ? server
        : throw new InvalidOperationException("TEST_DATABASE=postgres needs TEST_POSTGRES, e.g. Host=127.0.0.1;Port=5433;Username=postgres.");

    /// <summary>The app's configuration keys that put a data directory's database on the engine under test (none for SQLite).</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string dataDirectory) => IsPostgres
        ? new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:PostgreSQL"] = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = DatabaseName(dataDirectory) }.ToString(),
        }
        : new Dictionary<string, string?>();

    /// <summary>Releases pooled connections and, on PostgreSQL, drops the data directory's database.</summary>
    public static void Drop(string dataDirectory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!IsPostgres) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ToString());
        connection.Open();
        using var drop = connection.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{DatabaseName(dataDirectory)}\" WITH (FORCE)";
        drop.ExecuteNonQuery();
    }

    /// <summary>SQL that makes every insert into the table fail, as a broken write would (a trigger, named).</summary>
    public static string RefuseInsertsSql(string table, string trigger) => IsPostgres
        ? $"""
            CREATE FUNCTION "{trigger}_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by a test'; END $$;
            CREATE TRIGGER "{trigger}" BEFORE INSERT ON "{table}" FOR EACH ROW EXECUTE FUNCTION "{trigger}_refuse"();
            """
        : $"""CREATE TRIGGER "{trigger}" BEFORE INSERT ON "{table}" BEGIN SELECT RAISE(ABORT, 'refused by a test'); END;""";

    /// <summary>How many of these scenarios have a row in the full-text index (SQLite's FTS5 table, PostgreSQL's tsvector table).</summary>
    public static Task<int> SearchRowsAsync(ScenarioStudio.Data.AppDbContext db, params int[] scenarioIds) => IsPostgres
        ? db.Database.SqlQuery<int>($"""SELECT CAST(COUNT(*) AS integer) AS "Value" FROM "ScenarioSearch" WHERE "ScenarioId" = ANY({scenarioIds})""")
            .SingleAsync()
        : db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM scenario_fts WHERE rowid IN (SELECT value FROM json_each({
            System.Text.Json.JsonSerializer.Serialize(scenarioIds)}))").SingleAsync();

    private static string DatabaseName(string dataDirectory) =>
        "scenariostudio_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..24];
}

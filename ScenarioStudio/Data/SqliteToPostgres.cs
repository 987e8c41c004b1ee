using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data;

/// <summary>
/// Moves an install from its SQLite file to an empty PostgreSQL database: every table of the app's model, row for row,
/// in one PostgreSQL transaction. Each value is read through the SQLite model's own mapping and written through
/// PostgreSQL's (a time stored by SQLite as a number arrives as a timestamptz, a Guid stored as text as a uuid), with
/// binary COPY. Before committing, every table is read back and its row count and checksum compared with the source's;
/// a difference rolls everything back. What only one engine has is not copied but rebuilt: SQLite's FTS5 index becomes
/// PostgreSQL's tsvector index; the totals the triggers keep are copied as they are, with the triggers held off meanwhile.
/// </summary>
public sealed class SqliteToPostgres(string sqliteConnectionString, string postgresConnectionString, Action<string> progress)
{
    private const int SearchBatch = 1_000;

    /// <summary>
    /// Copies; returns what each table holds on both sides. Throws <see cref="DatabaseCopyException"/> when the copy is
    /// refused or does not match.
    /// </summary>
    public async Task<IReadOnlyList<TableCopy>> CopyAsync(CancellationToken ct = default)
    {
        var sqliteOptions = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(sqliteConnectionString).Options;
        var postgresOptions = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(postgresConnectionString).Options;
        if (!File.Exists(new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource))
            throw new DatabaseCopyException($"There is no SQLite database at {new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource}.");

        // Both at this version's schema: the SQLite file as the app's next start would leave it, PostgreSQL created if missing.
        progress("Bringing the SQLite database up to date with this version's migrations");
        await SqliteDialect.Instance.MigrateAsync(sqliteOptions, ct);
        progress("Creating the PostgreSQL schema");
        await PostgresDialect.Instance.MigrateAsync(postgresOptions, ct);

        await using var source = new SystemDbContext(sqliteOptions);
        await using var target = new SystemDbContext(postgresOptions);
        var tables = ModelTables.InDependencyOrder(target.Model.GetRelationalModel());
        var sourceTables = source.Model.GetRelationalModel();

        var sourceConnection = (SqliteConnection)source.Database.GetDbConnection();
        await sourceConnection.OpenAsync(ct);
        // One snapshot of the source for the whole copy and its checksums, should the app have been left running.
        await using var sourceTx = await sourceConnection.BeginTransactionAsync(ct);
        await target.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)target.Database.GetDbConnection();
        await using var tx = await target.Database.BeginTransactionAsync(ct);

        await RefuseUnlessEmptyAsync(connection, tables, ct);
        foreach (var table in tables) await ExecuteAsync(connection, $"ALTER TABLE {ModelTables.Quote(table.Name)} DISABLE TRIGGER USER", ct);

        // A row may refer to another row of its own table (a reply to a comment) that comes later in the source's order:
        // such a key is checked once the table is complete, by taking it off and putting it back (PostgreSQL checks every row then).
        var selfReferences = await SelfReferencesAsync(connection, tables, ct);
        foreach (var (table, name, _) in selfReferences) await ExecuteAsync(connection, $"ALTER TABLE {ModelTables.Quote(table)} DROP CONSTRAINT {ModelTables.Quote(name)}", ct);

        var report = new List<TableCopy>();
        foreach (var table in tables)
        {
            var columns = Columns(table, sourceTables.FindTable(table.Name, table.Schema)
                ?? throw new DatabaseCopyException($"The SQLite model has no table {table.Name}."));
            var (rows, checksum) = await CopyTableAsync(sourceConnection, sourceTx, connection, table.Name, columns, ct);
            var (targetRows, targetChecksum) = await ChecksumAsync(connection, table.Name, columns, ct);
            report.Add(new TableCopy(table.Name, rows, targetRows, checksum, targetChecksum));
            progress($"{table.Name}: {rows:N0} rows");
        }

        foreach (var (table, name, definition) in selfReferences)
            await ExecuteAsync(connection, $"ALTER TABLE {ModelTables.Quote(table)} ADD CONSTRAINT {ModelTables.Quote(name)} {definition}", ct);
        await RestartIdentitiesAsync(connection, tables, ct);
        var indexed = await RebuildSearchAsync(target, ct);
        progress($"Search index rebuilt for {indexed:N0} scenarios");
        foreach (var table in tables) await ExecuteAsync(connection, $"ALTER TABLE {ModelTables.Quote(table.Name)} ENABLE TRIGGER USER", ct);

        var different = report.Where(t => !t.Matches).ToList();
        if (different.Count > 0)
        {
            await tx.RollbackAsync(ct);
            throw new DatabaseCopyException("The copy did not match its source, so nothing was kept: " +
                string.Join("; ", different.Select(t =>
                    $"{t.Table} ({t.SourceRows:N0} rows, checksum {t.SourceChecksum} against {t.TargetRows:N0}, {t.TargetChecksum})")),
                report);
        }
        await tx.CommitAsync(ct);
        // The new tables vacuumed and their statistics gathered now, rather than whenever autovacuum gets to them (on the
        // first busy minutes of the new server): the visibility map lets index-only scans skip the rows (the dashboards'
        // figures read the sessions from their indexes), and the search index's pending list, where the rebuild's last
        // 4 MB of documents wait unsorted and every search reads them all, is merged into the index.
        progress("Vacuuming and updating PostgreSQL's planner statistics");
        await ExecuteAsync(connection, "VACUUM (ANALYZE)", ct);
        return report;
    }

    /// <summary>One column as both engines map it: its name, how SQLite's model reads it and how PostgreSQL's writes it.</summary>
    private sealed record Column(string Name, RelationalTypeMapping Source, RelationalTypeMapping Target, string TargetType,
        ReadValue ReadSource, ReadValue ReadTarget);

    private static List<Column> Columns(ITable target, ITable source) => target.Columns.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c =>
    {
        var from = source.FindColumn(c.Name) ?? throw new DatabaseCopyException($"The SQLite model's {source.Name} has no column {c.Name}.");
        var sourceMapping = from.PropertyMappings.First().TypeMapping;
        var targetMapping = c.PropertyMappings.First().TypeMapping;
        // "character varying(256)" is written as "character varying": the length is the column's, checked by PostgreSQL.
        var storeType = c.StoreType.Split('(')[0].Trim();
        return new Column(c.Name, sourceMapping, targetMapping, storeType, ModelTables.Reader(sourceMapping), ModelTables.Reader(targetMapping));
    }).ToList();


    private static async Task<(long Rows, string Checksum)> CopyTableAsync(SqliteConnection source, DbTransaction sourceTx, NpgsqlConnection target,
        string table, List<Column> columns, CancellationToken ct)
    {
        await using var read = source.CreateCommand();
        read.Transaction = (SqliteTransaction)sourceTx;
        read.CommandText = $"SELECT {string.Join(", ", columns.Select(c => ModelTables.Quote(c.Name)))} FROM {ModelTables.Quote(table)}";
        await using var reader = await read.ExecuteReaderAsync(ct);
        await using var writer = await target.BeginBinaryImportAsync(
            $"COPY {ModelTables.Quote(table)} ({string.Join(", ", columns.Select(c => ModelTables.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)", ct);
        var checksum = new Checksum();
        var values = new object?[columns.Count];
        while (await reader.ReadAsync(ct))
        {
            await writer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = columns[i].ReadSource(reader, i);
                var provider = values[i] is { } model && columns[i].Target.Converter is { } converter ? converter.ConvertToProvider(model) : values[i];
                if (provider is null) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync(provider, columns[i].TargetType, ct);
            }
            checksum.Add(values);
        }
        await writer.CompleteAsync(ct);
        return (checksum.Rows, checksum.Value);
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(NpgsqlConnection connection, string table, List<Column> columns, CancellationToken ct)
    {
        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT {string.Join(", ", columns.Select(c => ModelTables.Quote(c.Name)))} FROM {ModelTables.Quote(table)}";
        await using var reader = await read.ExecuteReaderAsync(ct);
        var checksum = new Checksum();
        var values = new object?[columns.Count];
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < columns.Count; i++) values[i] = columns[i].ReadTarget(reader, i);
            checksum.Add(values);
        }
        return (checksum.Rows, checksum.Value);
    }

    /// <summary>
    /// A checksum of a table's rows that does not depend on their order (the engines order text differently): the sum of a
    /// SHA-256 prefix of each row, whose values are written in one canonical form (a time as its UTC instant).
    /// </summary>
    private sealed class Checksum
    {
        private readonly StringBuilder row = new();
        private ulong sum;
        private byte[] buffer = new byte[1024];

        public long Rows { get; private set; }
        public string Value => sum.ToString("x16", CultureInfo.InvariantCulture);

        public void Add(object?[] values)
        {
            row.Clear();
            foreach (var value in values) row.Append(Canonical(value)).Append('\u001f');
            var length = Encoding.UTF8.GetMaxByteCount(row.Length);
            if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
            var written = Encoding.UTF8.GetBytes(row.ToString(), buffer);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            sum += BitConverter.ToUInt64(hash);
            Rows++;
        }

        private static string Canonical(object? value) => value switch
        {
            null => "\u0000",
            DateTimeOffset d => d.UtcTicks.ToString(CultureInfo.InvariantCulture),
            DateTime d => d.Ticks.ToString(CultureInfo.InvariantCulture),
            byte[] b => Convert.ToBase64String(b),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            decimal m => (m / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }


    private static async Task<List<(string Table, string Name, string Definition)>> SelfReferencesAsync(NpgsqlConnection connection,
        IEnumerable<ITable> tables, CancellationToken ct)
    {
        var keys = new List<(string, string, string)>();
        foreach (var fk in tables.SelectMany(t => t.ForeignKeyConstraints.Where(fk => fk.PrincipalTable == t)))
        {
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint AS c WHERE c.conname = $1 AND c.conrelid = $2::regclass";
            read.Parameters.Add(new() { Value = fk.Name });
            read.Parameters.Add(new() { Value = ModelTables.Quote(fk.Table.Name) });
            var definition = await read.ExecuteScalarAsync(ct) as string
                ?? throw new DatabaseCopyException($"The PostgreSQL schema has no key {fk.Name} on {fk.Table.Name}.");
            keys.Add((fk.Table.Name, fk.Name, definition));
        }
        return keys;
    }

    private static async Task RefuseUnlessEmptyAsync(NpgsqlConnection connection, IEnumerable<ITable> tables, CancellationToken ct)
    {
        foreach (var table in tables)
        {
            await using var any = connection.CreateCommand();
            any.CommandText = $"SELECT EXISTS (SELECT 1 FROM {ModelTables.Quote(table.Name)})";
            if (await any.ExecuteScalarAsync(ct) is true)
                throw new DatabaseCopyException(
                    $"The PostgreSQL database is not empty (table {table.Name} has rows): copy into a new, empty database. Nothing was written.");
        }
    }

    /// <summary>Generated keys continue after the copied ones, so the next scenario or session does not collide with a copied one.</summary>
    private static async Task RestartIdentitiesAsync(NpgsqlConnection connection, IEnumerable<ITable> tables, CancellationToken ct)
    {
        foreach (var table in tables)
            foreach (var column in table.PrimaryKey?.Columns ?? [])
            {
                if (column.ProviderClrType != typeof(int) && column.ProviderClrType != typeof(long)) continue;
                await ExecuteAsync(connection, $"""
                    SELECT setval(s, COALESCE((SELECT MAX({ModelTables.Quote(column.Name)}) FROM {ModelTables.Quote(table.Name)}), 1),
                        EXISTS (SELECT 1 FROM {ModelTables.Quote(table.Name)}))
                    FROM pg_get_serial_sequence('{ModelTables.Quote(table.Name)}', '{column.Name}') AS s WHERE s IS NOT NULL
                    """, ct);
            }
    }

    /// <summary>PostgreSQL's full-text index, built from the copied scenarios as the app builds it, a batch at a time.</summary>
    private static async Task<int> RebuildSearchAsync(SystemDbContext target, CancellationToken ct)
    {
        var count = 0;
        var after = 0;
        while (true)
        {
            var batch = await target.Scenarios.AsNoTracking().Include(s => s.Phases).Where(s => s.Id > after)
                .OrderBy(s => s.Id).Take(SearchBatch).ToListAsync(ct);
            if (batch.Count == 0) return count;
            await PostgresDialect.Instance.IndexScenariosAsync(target, batch.Select(ScenarioSearchIndex.Text).ToList(), ct);
            count += batch.Count;
            after = batch[^1].Id;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        // No 30-second limit: vacuuming a large install's tables takes longer (the operator's Ctrl+C cancels through ct).
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

}

/// <summary>One table after a copy: its rows and checksum in SQLite and, read back, in PostgreSQL.</summary>
public sealed record TableCopy(string Table, long SourceRows, long TargetRows, string SourceChecksum, string TargetChecksum)
{
    public bool Matches => SourceRows == TargetRows && SourceChecksum == TargetChecksum;
}

/// <summary>A copy refused before anything was written, or rolled back because what was written did not match.</summary>
public sealed class DatabaseCopyException(string message, IReadOnlyList<TableCopy>? report = null) : Exception(message)
{
    public IReadOnlyList<TableCopy> Report { get; } = report ?? [];
}

using System.Data.Common;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ScenarioStudio.Data.Dialects;

namespace ScenarioStudio.Data;

/// <summary>Rows of one organisation in one table.</summary>
public sealed record TableRows(string Table, long Rows);

/// <summary>
/// Every row that belongs to one organisation, table by table, worked out from EF Core's model rather than listed by hand,
/// so a table added later is covered the day it is added: a table with an <c>OrganisationId</c> column holds the
/// organisation's rows where it is the organisation's id; a table without one (the members' sign-in sessions, claims,
/// logins and tokens) holds the rows whose foreign key points at a row of such a table; <c>Organisations</c> holds the
/// organisation itself. The only table outside every organisation is the install's key ring (<see cref="InstallTables"/>);
/// any other table the model gains without a path to an organisation stops <see cref="Of"/> with an error, and a test.
/// </summary>
public sealed class OrganisationData
{
    /// <summary>Tables that belong to the install, not to an organisation.</summary>
    public static readonly IReadOnlySet<string> InstallTables = new HashSet<string>(StringComparer.Ordinal) { "DataProtectionKeys" };

    private const string OrganisationColumn = "OrganisationId";
    private const string Parameter = "@organisation";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new JsonStringEnumConverter() } };

    private readonly List<(ITable Table, string Where)> tables;
    private readonly RelationalTypeMapping idMapping;

    private OrganisationData(List<(ITable, string)> tables, RelationalTypeMapping idMapping) => (this.tables, this.idMapping) = (tables, idMapping);

    /// <summary>The tables of <paramref name="db"/>'s model, principal tables first, each with the condition that picks one organisation's rows.</summary>
    public static OrganisationData Of(AppDbContext db)
    {
        var model = db.Model.GetRelationalModel();
        var organisations = model.Tables.Single(t => t.Name == "Organisations");
        var where = new Dictionary<ITable, string> { [organisations] = $"{ModelTables.Quote("Id")} = {Parameter}" };
        string? Where(ITable table, HashSet<ITable> visiting)
        {
            if (where.TryGetValue(table, out var known)) return known;
            if (!visiting.Add(table)) return null;
            if (table.FindColumn(OrganisationColumn) is not null) return where[table] = $"{ModelTables.Quote(OrganisationColumn)} = {Parameter}";
            foreach (var fk in table.ForeignKeyConstraints.Where(fk => fk.Columns.Count == 1 && fk.PrincipalTable != table))
            {
                if (Where(fk.PrincipalTable, visiting) is not { } principal) continue;
                return where[table] = $"{ModelTables.Quote(fk.Columns[0].Name)} IN (SELECT {ModelTables.Quote(fk.PrincipalColumns[0].Name)} " +
                    $"FROM {ModelTables.Quote(fk.PrincipalTable.Name)} WHERE {principal})";
            }
            return null;
        }
        var scoped = new List<(ITable, string)>();
        foreach (var table in ModelTables.InDependencyOrder(model))
        {
            if (InstallTables.Contains(table.Name)) continue;
            scoped.Add((table, Where(table, []) ?? throw new InvalidOperationException(
                $"The table {table.Name} has no path to an organisation: give it an OrganisationId, or list it among the install's tables.")));
        }
        return new OrganisationData(scoped, organisations.FindColumn("Id")!.PropertyMappings.First().TypeMapping);
    }

    /// <summary>The names of the organisation's tables, principal tables first.</summary>
    public IEnumerable<string> TableNames => tables.Select(t => t.Table.Name);

    /// <summary>How many rows each table holds for the organisation.</summary>
    public async Task<IReadOnlyList<TableRows>> CountAsync(AppDbContext db, Guid organisationId, CancellationToken ct)
    {
        var counts = new List<TableRows>();
        await db.Database.OpenConnectionAsync(ct);
        foreach (var (table, where) in tables)
        {
            await using var command = Command(db, $"SELECT COUNT(*) FROM {ModelTables.Quote(table.Name)} WHERE {where}", organisationId);
            counts.Add(new TableRows(table.Name, Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return counts;
    }

    /// <summary>
    /// Writes the organisation's rows into <paramref name="zip"/>: one JSON file per table (an array of objects, one per
    /// row, with the values as the app's model has them: dates as ISO 8601, enums by name, binary as base64), and
    /// <c>manifest.json</c> with the row counts. Run it in the transaction that then deletes, so both see the same rows.
    /// </summary>
    public async Task<IReadOnlyList<TableRows>> ExportAsync(AppDbContext db, Guid organisationId, Stream zip, CancellationToken ct)
    {
        var counts = new List<TableRows>();
        await using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (table, where) in tables)
            {
                var columns = table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
                var readers = columns.Select(c => ModelTables.Reader(c.PropertyMappings.First().TypeMapping)).ToList();
                var select = $"SELECT {string.Join(", ", columns.Select(c => ModelTables.Quote(c.Name)))} FROM {ModelTables.Quote(table.Name)} WHERE {where}";
                await using var command = Command(db, select, organisationId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await using var entry = await archive.CreateEntry(table.Name + ".json", CompressionLevel.Optimal).OpenAsync(ct);
                await using var json = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true });
                json.WriteStartArray();
                long rows = 0;
                while (await reader.ReadAsync(ct))
                {
                    json.WriteStartObject();
                    for (var i = 0; i < columns.Count; i++)
                    {
                        json.WritePropertyName(columns[i].Name);
                        JsonSerializer.Serialize(json, readers[i](reader, i), Json);
                    }
                    json.WriteEndObject();
                    rows++;
                    if (json.BytesPending > 64 * 1024) await json.FlushAsync(ct);
                }
                json.WriteEndArray();
                counts.Add(new TableRows(table.Name, rows));
            }
            await using var manifest = await archive.CreateEntry("manifest.json").OpenAsync(ct);
            await JsonSerializer.SerializeAsync(manifest, new
            {
                OrganisationId = organisationId,
                Tables = counts.ToDictionary(c => c.Table, c => c.Rows),
            }, new JsonSerializerOptions { WriteIndented = true }, ct);
        }
        return counts;
    }

    /// <summary>
    /// Deletes every row of the organisation, dependent tables first, the audit log included (its append-only guard is
    /// lifted for this statement only, <see cref="SqlDialect.DeleteAuditEntriesAsync"/>), and the search index of its
    /// scenarios. Run it inside a transaction. (What a DELETE reports leaves out the rows its cascades took, such as a
    /// comment's replies: count before and after instead.)
    /// </summary>
    public async Task DeleteAsync(AppDbContext db, Guid organisationId, CancellationToken ct)
    {
        var dialect = SqlDialect.Of(db.Database);
        var scenarioIds = await db.Scenarios.IgnoreQueryFilters().Where(s => s.OrganisationId == organisationId).Select(s => s.Id).ToListAsync(ct);
        if (scenarioIds.Count > 0) await dialect.UnindexAsync(db, scenarioIds, ct);
        foreach (var (table, where) in Enumerable.Reverse(tables))
        {
            var sql = $"DELETE FROM {ModelTables.Quote(table.Name)} WHERE {where}";
            if (table.Name == "AuditEntries") await dialect.DeleteAuditEntriesAsync(db, () => Execute(db, sql, organisationId, ct), ct);
            else await Execute(db, sql, organisationId, ct);
        }
    }

    private async Task<int> Execute(AppDbContext db, string sql, Guid organisationId, CancellationToken ct)
    {
        await using var command = Command(db, sql, organisationId);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private DbCommand Command(AppDbContext db, string sql, Guid organisationId)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.Parameters.Add(idMapping.CreateParameter(command, Parameter, organisationId));
        return command;
    }
}

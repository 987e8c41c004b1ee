using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScenarioStudio.Data;

/// <summary>Reads a column's value as the model has it (through the engine's own mapping).</summary>
public delegate object? ReadValue(DbDataReader reader, int ordinal);

/// <summary>
/// The app's tables as EF Core's relational model describes them, for work that goes over every table rather than
/// through entities (moving an install to PostgreSQL: <see cref="SqliteToPostgres"/>).
/// </summary>
public static class ModelTables
{
    /// <summary>Reads a column as its mapping's provider type and converts it to the model's value, as EF's materializer does.</summary>
    public static ReadValue Reader(RelationalTypeMapping mapping)
    {
        var providerType = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        var get = GetFieldValue.MakeGenericMethod(Nullable.GetUnderlyingType(providerType) ?? providerType);
        var convert = mapping.Converter?.ConvertFromProvider;
        return (reader, i) =>
        {
            if (reader.IsDBNull(i)) return null;
            var value = get.Invoke(reader, [i]);
            return convert is null ? value : convert(value);
        };
    }

    private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;

    /// <summary>Principal tables before the tables that refer to them, so every foreign key finds its row.</summary>
    public static List<ITable> InDependencyOrder(IRelationalModel model)
    {
        var tables = model.Tables.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var ordered = new List<ITable>();
        var placed = new HashSet<ITable>();
        void Place(ITable table, HashSet<ITable> visiting)
        {
            if (placed.Contains(table) || !visiting.Add(table)) return;
            foreach (var fk in table.ForeignKeyConstraints.Where(fk => fk.PrincipalTable != table)) Place(fk.PrincipalTable, visiting);
            placed.Add(table);
            ordered.Add(table);
        }
        foreach (var table in tables) Place(table, []);
        return ordered;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

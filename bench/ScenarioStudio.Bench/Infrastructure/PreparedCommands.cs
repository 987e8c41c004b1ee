using Microsoft.Data.Sqlite;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>Reused, prepared SQLite commands for the raw data writers: one parameter per <c>$name</c> in the SQL.</summary>
public static class PreparedCommands
{
    public static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+").Select(m => m.Value).Distinct())
            command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    public static void Set(this SqliteCommand command, string name, object? value) =>
        command.Parameters[name].Value = value ?? DBNull.Value;
}

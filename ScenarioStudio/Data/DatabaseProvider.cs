namespace ScenarioStudio.Data;

/// <summary>The database engine, from <c>Database:Provider</c>: one SQLite file (the default) or a PostgreSQL server.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

public static class DatabaseConfiguration
{
    /// <summary>Reads <c>Database:Provider</c> (empty: SQLite); anything else stops the start with what to write.</summary>
    public static DatabaseProvider Provider(IConfiguration config)
    {
        var value = config["Database:Provider"];
        if (string.IsNullOrWhiteSpace(value)) return DatabaseProvider.Sqlite;
        return Enum.TryParse<DatabaseProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException(
                $"Database:Provider is \"{value}\": write Sqlite (the default) or PostgreSQL. See appsettings.example.json.");
    }

    /// <summary>The PostgreSQL connection string (<c>ConnectionStrings:PostgreSQL</c>), required when the provider is PostgreSQL.</summary>
    public static string PostgresConnectionString(IConfiguration config) =>
        config.GetConnectionString("PostgreSQL") is { Length: > 0 } cs ? cs
            : throw new InvalidOperationException(
                "Database:Provider is PostgreSQL but ConnectionStrings:PostgreSQL is empty: set it, e.g. " +
                "\"Host=10.0.0.30;Database=scenariostudio;Username=scenariostudio;Password=…\". See README \"Scale-out\".");
}

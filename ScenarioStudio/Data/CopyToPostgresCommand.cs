using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ScenarioStudio.Data;

/// <summary>
/// <c>dotnet ScenarioStudio.dll copy-to-postgresql [--from FILE]</c>: copies this install's SQLite database (the configured
/// one, or FILE) into the PostgreSQL database of <c>ConnectionStrings:PostgreSQL</c>, which must be empty, with
/// <see cref="SqliteToPostgres"/>. Reads the configuration the app reads (appsettings, environment, command line), prints
/// each table's rows and checksums, and exits 0 only when every table matches. README "Scale-out" has the steps.
/// </summary>
public static class CopyToPostgresCommand
{
    public const string Name = "copy-to-postgresql";

    public static async Task<int> RunAsync(string[] args)
    {
        string? from = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--from" && i + 1 < args.Length) from = args[++i];
            else rest.Add(args[i]);
        }
        var builder = WebApplication.CreateBuilder(rest.ToArray());
        var config = builder.Configuration;
        var source = from is not null
            ? new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(from) }.ToString()
            : DataStorageExtensions.SqliteConnectionString(config,
                DataStorageExtensions.ResolveDataDirectory(config, builder.Environment.ContentRootPath));
        if (config.GetConnectionString("PostgreSQL") is not { Length: > 0 } target)
        {
            Console.Error.WriteLine("Set ConnectionStrings:PostgreSQL to the empty database to copy into, e.g. " +
                "ConnectionStrings__PostgreSQL=\"Host=10.0.0.30;Database=scenariostudio;Username=scenariostudio;Password=…\".");
            return 2;
        }

        Console.WriteLine($"Copying {new SqliteConnectionStringBuilder(source).DataSource} into PostgreSQL " +
                          $"(database {new Npgsql.NpgsqlConnectionStringBuilder(target).Database ?? "(default)"}). Stop the app first.");
        try
        {
            var report = await new SqliteToPostgres(source, target, Console.WriteLine).CopyAsync();
            Print(report);
            Console.WriteLine($"Copied {report.Count} tables, {report.Sum(t => t.SourceRows).ToString("N0", CultureInfo.InvariantCulture)} rows; " +
                              "every row count and checksum matches. Now set Database:Provider=PostgreSQL and start the app.");
            return 0;
        }
        catch (DatabaseCopyException e)
        {
            if (e.Report.Count > 0) Print(e.Report);
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static void Print(IReadOnlyList<TableCopy> report)
    {
        Console.WriteLine($"{"Table",-32} {"SQLite rows",12} {"PostgreSQL rows",16}  {"checksum (SQLite / PostgreSQL)",-35}");
        foreach (var t in report)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.Table,-32} {t.SourceRows,12:N0} {t.TargetRows,16:N0}  {t.SourceChecksum} / {t.TargetChecksum} {(t.Matches ? "ok" : "DIFFERENT")}"));
    }
}

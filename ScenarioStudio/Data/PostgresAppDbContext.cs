using Microsoft.EntityFrameworkCore;

namespace ScenarioStudio.Data;

/// <summary>
/// The application's context on PostgreSQL, as a type of its own only so its migrations (Data/Migrations.Postgres) are
/// kept apart from SQLite's (EF Core's multi-provider layout: one context type per provider). It has the same model;
/// services keep using <see cref="AppDbContext"/>, and start-up migrates through this type
/// (<see cref="Dialects.PostgresDialect.MigrateAsync"/>).
/// <para>To add one (the app's configuration picks the provider; adding a migration contacts no server):
/// <c>Database__Provider=PostgreSQL ConnectionStrings__PostgreSQL="Host=localhost" dotnet ef migrations add Name
/// --context PostgresAppDbContext --output-dir Data/Migrations.Postgres --namespace ScenarioStudio.Data.Migrations.Postgres</c>.
/// No design-time factory: IDesignTimeDbContextFactory is covariant, so one for this type would also be taken for AppDbContext.</para>
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<AppDbContext> options) : AppDbContext(options);

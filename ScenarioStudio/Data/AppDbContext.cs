using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityUserContext<ApplicationUser>(options)
{
    /// <summary>
    /// The organisation this context is scoped to: every <see cref="IOrganisationOwned"/> entity is filtered by it.
    /// The filter fails closed: a context opened for no organisation sees no organisation's rows, unless it was
    /// opened explicitly as the system (<see cref="OpenAsSystem"/>) for what no caller owns. Services obtain
    /// contexts through <see cref="TenantDb"/>.
    /// </summary>
    public Guid? TenantId { get; private set; }

    /// <summary>Opened for work across organisations: Identity's stores, the caller lookup, start-up seeding.</summary>
    public bool IsSystem { get; private set; }

    public AppDbContext ScopeTo(Guid organisationId)
    {
        TenantId = organisationId;
        IsSystem = false;
        return this;
    }

    public AppDbContext OpenAsSystem()
    {
        TenantId = null;
        IsSystem = true;
        return this;
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Scenario> Scenarios => Set<Scenario>();
    public DbSet<ScenarioPhase> ScenarioPhases => Set<ScenarioPhase>();
    public DbSet<PracticeSession> PracticeSessions => Set<PracticeSession>();
    public DbSet<PracticeMessage> PracticeMessages => Set<PracticeMessage>();
    public DbSet<CriterionResult> CriterionResults => Set<CriterionResult>();
    public DbSet<CriterionTotal> CriterionTotals => Set<CriterionTotal>();
    public DbSet<Progress.Assignment> Assignments => Set<Progress.Assignment>();
    public DbSet<AiCall> AiCalls => Set<AiCall>();
    public DbSet<OrganisationAiSettings> AiSettings => Set<OrganisationAiSettings>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare DateTimeOffset natively; the binary form sorts correctly for UTC values.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        foreach (var entityType in builder.Model.GetEntityTypes())
        {
            if (typeof(IOrganisationOwned).IsAssignableFrom(entityType.ClrType) && entityType.BaseType is null)
            {
                entityType.SetQueryFilter(TenantFilter(entityType.ClrType));
            }
        }
    }

    private LambdaExpression TenantFilter(Type type)
    {
        // e => IsSystem || e.OrganisationId == TenantId (with no tenant, the comparison is with NULL: no row matches)
        var e = Expression.Parameter(type, "e");
        var context = Expression.Constant(this);
        var orgId = Expression.Convert(Expression.Property(e, nameof(IOrganisationOwned.OrganisationId)), typeof(Guid?));
        var body = Expression.OrElse(
            Expression.Property(context, nameof(IsSystem)),
            Expression.Equal(orgId, Expression.Property(context, nameof(TenantId))));
        return Expression.Lambda(body, e);
    }
}

using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Audit;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data;

public class AppDbContext : IdentityUserContext<ApplicationUser>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For <see cref="SystemDbContext"/>, which shares the options.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    /// <summary>
    /// The organisation this context is scoped to: every <see cref="IOrganisationOwned"/> entity is filtered by it.
    /// The filter fails closed: a context opened for no organisation sees no organisation's rows. Work across
    /// organisations uses a <see cref="SystemDbContext"/>, a separate type with no filter, opened only through
    /// <see cref="TenantDb.OpenAsSystemAsync"/>. Services obtain contexts through <see cref="TenantDb"/>.
    /// </summary>
    public Guid? TenantId { get; private set; }

    /// <summary>True for the system's context, whose model has no organisation filter.</summary>
    protected virtual bool FiltersByOrganisation => true;

    public AppDbContext ScopeTo(Guid organisationId)
    {
        if (!FiltersByOrganisation) throw new InvalidOperationException("The system's context sees every organisation; open a tenant context instead.");
        TenantId = organisationId;
        return this;
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Scenario> Scenarios => Set<Scenario>();
    public DbSet<ScenarioPhase> ScenarioPhases => Set<ScenarioPhase>();
    public DbSet<ScenarioVersion> ScenarioVersions => Set<ScenarioVersion>();
    public DbSet<ScenarioDraft> ScenarioDrafts => Set<ScenarioDraft>();
    public DbSet<ReviewEvent> ReviewEvents => Set<ReviewEvent>();
    public DbSet<PracticeSession> PracticeSessions => Set<PracticeSession>();
    public DbSet<PracticeMessage> PracticeMessages => Set<PracticeMessage>();
    public DbSet<CriterionResult> CriterionResults => Set<CriterionResult>();
    public DbSet<CriterionTotal> CriterionTotals => Set<CriterionTotal>();
    public DbSet<Progress.Assignment> Assignments => Set<Progress.Assignment>();
    public DbSet<AiCall> AiCalls => Set<AiCall>();
    public DbSet<AiUsage> AiUsage => Set<AiUsage>();
    public DbSet<OrganisationAiSettings> AiSettings => Set<OrganisationAiSettings>();
    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    /// <summary>The Data Protection key ring when several nodes share it (Redis:Connection set); one node keeps it in files.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Scenarios.Comments.ScenarioComment> ScenarioComments => Set<Scenarios.Comments.ScenarioComment>();
    public DbSet<Progress.AssignmentReminder> AssignmentReminders => Set<Progress.AssignmentReminder>();
    public DbSet<Scenarios.Categories.Category> Categories => Set<Scenarios.Categories.Category>();
    public DbSet<Scenarios.Personas.PersonaAvatar> PersonaAvatars => Set<Scenarios.Personas.PersonaAvatar>();
    public DbSet<Programs.TrainingProgram> TrainingPrograms => Set<Programs.TrainingProgram>();
    public DbSet<Programs.ProgramEnrolment> ProgramEnrolments => Set<Programs.ProgramEnrolment>();
    public DbSet<Programs.ProgramEnrolmentMember> ProgramEnrolmentMembers => Set<Programs.ProgramEnrolmentMember>();
    public DbSet<Experiments.Experiment> Experiments => Set<Experiments.Experiment>();
    public DbSet<Experiments.ExperimentCriterionTotal> ExperimentCriterionTotals => Set<Experiments.ExperimentCriterionTotal>();
    public DbSet<Coaching.CoachingNote> CoachingNotes => Set<Coaching.CoachingNote>();
    public DbSet<Coaching.SessionReview> SessionReviews => Set<Coaching.SessionReview>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditRewrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditRewrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The audit log is append-only through the app: a changed or removed <see cref="AuditEntry"/> stops the save before
    /// anything is written, as does a changed <see cref="ScenarioVersion"/>. Bulk updates and raw SQL do not pass here; the table's triggers refuse those.
    /// </summary>
    private void RefuseAuditRewrites()
    {
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("The audit log is append-only: an audit entry cannot be changed or deleted.");
        // A published version is what learners practised: never rewritten (it goes only with its scenario, by cascade).
        if (ChangeTracker.Entries<ScenarioVersion>().Any(e => e.State is EntityState.Modified))
            throw new InvalidOperationException("A published version cannot be changed: publish a new one.");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        SqlDialect.Of(Database).ConfigureConventions(configurationBuilder);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        SqlDialect.Of(Database).ConfigureModel(builder);

        if (!FiltersByOrganisation) return;
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
        // e => e.OrganisationId == TenantId: one equality, so SQLite seeks every (OrganisationId, …) index. With no
        // tenant the comparison is with NULL, and no row matches.
        var e = Expression.Parameter(type, "e");
        var orgId = Expression.Convert(Expression.Property(e, nameof(IOrganisationOwned.OrganisationId)), typeof(Guid?));
        return Expression.Lambda(Expression.Equal(orgId, Expression.Property(Expression.Constant(this), nameof(TenantId))), e);
    }
}

/// <summary>
/// The context for what no caller owns: Identity's stores (sign-in finds a user by e-mail before any organisation is
/// known), the first-run sign-up, the caller lookup, start-up seeding, pruning. Its model has no organisation filter;
/// EF builds and caches it separately by type. Opened only through <see cref="TenantDb.OpenAsSystemAsync"/> or
/// injected into Identity's stores.
/// </summary>
public sealed class SystemDbContext(DbContextOptions<AppDbContext> options) : AppDbContext(options)
{
    protected override bool FiltersByOrganisation => false;
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Programs;

/// <summary>When a program day opens to its learners.</summary>
public enum UnlockRule
{
    /// <summary>On the day's date (start date + day number − 1) in the learner's time zone.</summary>
    OnDate,
    /// <summary>As soon as the learner has done the previous day, whatever the date: self-paced.</summary>
    AfterPreviousDone,
}

/// <summary>One day of a program: a theme, the scenarios to practise and the score that counts as done.</summary>
public sealed class ProgramDayPlan
{
    public string Theme { get; set; } = "";
    public List<int> ScenarioIds { get; set; } = [];
    public int MinScore { get; set; }
    public UnlockRule Unlock { get; set; }
}

/// <summary>
/// A training program: a name, a description and 1–60 days, one theme a day. Each edit raises <see cref="Version"/>;
/// an enrolment keeps the days and the scenario versions of the moment it was made, so editing a program never moves
/// the goalposts of a team already on it.
/// </summary>
public sealed class TrainingProgram : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public List<ProgramDayPlan> Days { get; set; } = [];
    public int Version { get; set; } = 1;
    /// <summary>The seeded program this one came from, so seeding adds each once.</summary>
    public string? TemplateKey { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A scenario's published version when an enrolment started; null where the scenario had no versions yet.</summary>
public sealed record PinnedScenario(int ScenarioId, int? Version);

/// <summary>
/// A program given to a team (every member, now and later) or to chosen members of it, from a start date. Day N's
/// date is <see cref="StartOn"/> + N − 1.
/// </summary>
public sealed class ProgramEnrolment : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid ProgramId { get; set; }
    public TrainingProgram? Program { get; set; }
    public int ProgramVersion { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    /// <summary>True: every member of the team; false: only the <see cref="Members"/>.</summary>
    public bool WholeTeam { get; set; }
    public DateOnly StartOn { get; set; }
    /// <summary>The program's days when the enrolment was made.</summary>
    public List<ProgramDayPlan> Days { get; set; } = [];
    public List<PinnedScenario> Pins { get; set; } = [];
    public List<ProgramEnrolmentMember> Members { get; set; } = [];
    public string AssignedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A chosen member of an enrolment that is not for the whole team.</summary>
public sealed class ProgramEnrolmentMember : IOrganisationOwned
{
    public Guid EnrolmentId { get; set; }
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
}

internal sealed class TrainingProgramConfiguration : IEntityTypeConfiguration<TrainingProgram>
{
    public void Configure(EntityTypeBuilder<TrainingProgram> b)
    {
        b.ToTable("TrainingPrograms");
        b.Property(p => p.Name).HasMaxLength(ProgramService.MaxNameLength);
        b.Property(p => p.Description).HasMaxLength(ProgramService.MaxDescriptionLength);
        b.Property(p => p.TemplateKey).HasMaxLength(100);
        b.Property(p => p.CreatedById).HasMaxLength(450);
        b.Json(p => p.Days);
        b.HasIndex(p => new { p.OrganisationId, p.Name });
        b.HasIndex(p => new { p.OrganisationId, p.TemplateKey });
    }
}

internal sealed class ProgramEnrolmentConfiguration : IEntityTypeConfiguration<ProgramEnrolment>
{
    public void Configure(EntityTypeBuilder<ProgramEnrolment> b)
    {
        b.Property(e => e.AssignedById).HasMaxLength(450);
        b.Json(e => e.Days);
        b.Json(e => e.Pins);
        b.HasOne(e => e.Program).WithMany().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.Team).WithMany().HasForeignKey(e => e.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(e => e.Members).WithOne().HasForeignKey(m => m.EnrolmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.OrganisationId, e.TeamId });
        b.HasIndex(e => new { e.OrganisationId, e.ProgramId });
    }
}

internal sealed class ProgramEnrolmentMemberConfiguration : IEntityTypeConfiguration<ProgramEnrolmentMember>
{
    public void Configure(EntityTypeBuilder<ProgramEnrolmentMember> b)
    {
        b.HasKey(m => new { m.EnrolmentId, m.UserId });
        b.Property(m => m.UserId).HasMaxLength(450);
        b.HasIndex(m => new { m.OrganisationId, m.UserId });
    }
}

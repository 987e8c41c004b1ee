using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Programs;

public static class ProgramsExtensions
{
    /// <summary>Training programs, their enrolments and the learner's one list of assigned work.</summary>
    public static IHostApplicationBuilder AddPrograms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProgramService>();
        builder.Services.AddScoped<EnrolmentService>();
        builder.Services.AddScoped<AssignedWork>();
        return builder;
    }
}

/// <summary>
/// The program grid and the learner's program days read completed sessions by learner and scenario: this index covers
/// them, so the session rows (with their large snapshots) are never read.
/// </summary>
internal sealed class PracticeSessionProgramIndex : IEntityTypeConfiguration<PracticeSession>
{
    public void Configure(EntityTypeBuilder<PracticeSession> b) =>
        b.HasIndex(s => new { s.OrganisationId, s.UserId, s.ScenarioId, s.CompletedAt, s.OverallScore, s.ScenarioVersion, s.IsTryOut, s.Id })
            .HasDatabaseName("IX_PracticeSessions_Programs");
}

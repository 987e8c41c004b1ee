using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Coaching;

/// <summary>
/// A manager's coaching note on a learner's practice session: on the whole session, or on one message of it
/// (<see cref="MessageId"/>). Markdown, shown sanitised to the learner on their own transcript.
/// </summary>
public sealed class CoachingNote : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid SessionId { get; set; }
    public long? MessageId { get; set; }
    public string AuthorId { get; set; } = "";
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
}

/// <summary>A session its learner's manager has marked reviewed: who and when. One row per session at most.</summary>
public sealed class SessionReview : IOrganisationOwned
{
    public Guid SessionId { get; set; }
    public Guid OrganisationId { get; set; }
    public string ReviewedById { get; set; } = "";
    public string ReviewedByName { get; set; } = "";
    public DateTimeOffset ReviewedAt { get; set; }
}

internal sealed class CoachingNoteConfiguration : IEntityTypeConfiguration<CoachingNote>
{
    public void Configure(EntityTypeBuilder<CoachingNote> b)
    {
        b.Property(n => n.AuthorId).HasMaxLength(450);
        b.Property(n => n.AuthorName).HasMaxLength(100);
        b.Property(n => n.Text).HasMaxLength(CoachingService.MaxNoteLength);
        b.HasOne<PracticeSession>().WithMany().HasForeignKey(n => n.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PracticeMessage>().WithMany().HasForeignKey(n => n.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.OrganisationId, n.SessionId, n.CreatedAt });
        b.HasIndex(n => n.MessageId);
    }
}

internal sealed class SessionReviewConfiguration : IEntityTypeConfiguration<SessionReview>
{
    public void Configure(EntityTypeBuilder<SessionReview> b)
    {
        b.HasKey(r => r.SessionId);
        b.Property(r => r.ReviewedById).HasMaxLength(450);
        b.Property(r => r.ReviewedByName).HasMaxLength(100);
        b.HasOne<PracticeSession>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.OrganisationId, r.SessionId });
    }
}

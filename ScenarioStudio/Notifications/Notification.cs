using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Notifications;

public enum NotificationKind { ReviewRequested, ChangesRequested, Approved, Published, Mentioned, AssignmentGiven, AssignmentDueTomorrow, CoachingNote }

/// <summary>One message for one member, shown under the app bar's bell until they read it.</summary>
public sealed class Notification : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string UserId { get; set; } = "";
    public NotificationKind Kind { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>A local path in the app ("/scenarios/12?tab=history").</summary>
    public string Link { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(n => n.UserId).HasMaxLength(64);
        b.Property(n => n.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(n => n.Title).HasMaxLength(200);
        b.Property(n => n.Body).HasMaxLength(500);
        b.Property(n => n.Link).HasMaxLength(300);
        b.HasIndex(n => new { n.OrganisationId, n.UserId, n.ReadAt, n.Id });
    }
}

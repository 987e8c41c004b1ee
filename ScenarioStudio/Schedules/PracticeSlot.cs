using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Schedules;

/// <summary>A team's recurring practice time: e.g. Mon–Fri at 09:00 Europe/London for 30 minutes.</summary>
public sealed class PracticeSlot : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public PracticeDays Days { get; set; }
    /// <summary>The local start time in <see cref="TimeZone"/>.</summary>
    public TimeOnly StartTime { get; set; }
    /// <summary>IANA time zone id.</summary>
    public string TimeZone { get; set; } = "UTC";
    public int DurationMinutes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public SlotRule ToRule() => new(Id, Days, StartTime, TimeZone, DurationMinutes, CreatedAt);
}

/// <summary>
/// A member's secret calendar-feed address. Only the SHA-256 of the token is stored: a copy of the database does not
/// reveal anyone's feed URL. One per member; a new one replaces (revokes) the old.
/// </summary>
public sealed class CalendarFeed : IOrganisationOwned
{
    public string UserId { get; set; } = "";
    public ApplicationUser? User { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class PracticeSlotConfiguration : IEntityTypeConfiguration<PracticeSlot>
{
    public void Configure(EntityTypeBuilder<PracticeSlot> b)
    {
        b.ToTable("PracticeSlots");
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.Days).HasConversion<int>();
        b.HasOne(s => s.Team).WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.TeamId });
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.ToTable("CalendarFeeds");
        b.HasKey(f => f.UserId);
        b.Property(f => f.TokenHash).HasMaxLength(64);
        b.HasIndex(f => f.TokenHash).IsUnique();
        b.HasOne(f => f.User).WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

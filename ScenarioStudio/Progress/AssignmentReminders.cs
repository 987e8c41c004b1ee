using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Progress;

/// <summary>
/// The marker that one learner has been reminded of one assignment: stored with the reminder's notification, and
/// unique, so a reminder is never sent twice, whatever restarts or overlapping runs happen.
/// </summary>
public sealed class AssignmentReminder : IOrganisationOwned
{
    public Guid AssignmentId { get; set; }
    public string UserId { get; set; } = "";
    public Guid OrganisationId { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

internal sealed class AssignmentReminderConfiguration : IEntityTypeConfiguration<AssignmentReminder>
{
    public void Configure(EntityTypeBuilder<AssignmentReminder> b)
    {
        b.HasKey(r => new { r.AssignmentId, r.UserId });
        b.Property(r => r.UserId).HasMaxLength(450);
        b.HasOne<Assignment>().WithMany().HasForeignKey(r => r.AssignmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Reminds each learner, once, of an assignment due tomorrow in their own time zone that they have not done yet.
/// Runs every <c>Reminders:IntervalMinutes</c> (15) on the app's <see cref="TimeProvider"/>.
/// </summary>
public sealed class AssignmentReminders(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<AssignmentReminders> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Reminders:IntervalMinutes", 15)));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueTomorrowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Sending the due-tomorrow reminders failed; trying again in {Interval}", interval);
            }
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: every learner whose assignment is due tomorrow and not yet done or reminded gets one notification.</summary>
    public async Task<int> SendDueTomorrowAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var notifier = scope.ServiceProvider.GetRequiredService<Notifier>();
        // A reviewed system context: reminders are for every organisation, and no member is calling.
        await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().OpenAsSystemAsync(ct);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // Time zones are at most a day either side of UTC: the exact local "tomorrow" is checked per learner below.
        var (from, to) = (today, today.AddDays(2));
        var candidates = await db.Assignments.AsNoTracking()
            .Where(a => a.DueOn >= from && a.DueOn <= to)
            .SelectMany(a => db.TeamMembers.Where(m => m.TeamId == a.TeamId && m.User!.IsActive && m.User.OrganisationId == a.OrganisationId),
                (a, m) => new
                {
                    a.Id, a.OrganisationId, a.ScenarioId, Scenario = a.Scenario!.Title, Team = a.Team!.Name, a.DueOn, a.Note, m.UserId,
                    m.User!.TimeZone,
                    Reminded = db.Set<AssignmentReminder>().Any(r => r.AssignmentId == a.Id && r.UserId == m.UserId),
                    Done = db.PracticeSessions.Any(s => s.UserId == m.UserId && s.CompletedAt != null && s.CompletedAt >= a.CreatedAt
                        && (s.ScenarioId == a.ScenarioId || db.Scenarios.Any(v => v.Id == s.ScenarioId && v.VariantOfId == a.ScenarioId))),
                })
            .Where(c => !c.Reminded && !c.Done)
            .ToListAsync(ct);
        var due = candidates.Where(c => ProgressRules.LocalDay(now, ProgressRules.Zone(c.TimeZone)).AddDays(1) == c.DueOn).ToList();
        if (due.Count == 0) return 0;
        foreach (var c in due)
        {
            db.Set<AssignmentReminder>().Add(new AssignmentReminder
            {
                AssignmentId = c.Id, UserId = c.UserId, OrganisationId = c.OrganisationId, SentAt = now,
            });
            notifier.Add(db, c.OrganisationId, [c.UserId], NotificationKind.AssignmentDueTomorrow, $"Due tomorrow: {c.Scenario}",
                Describe(c.Team, c.DueOn, c.Note), $"/scenarios/{c.ScenarioId}");
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another pass (a second instance) stored some of these markers first: it has sent them; this one sends none.
            return 0;
        }
        notifier.Announce();
        return due.Count;
    }

    public static string Describe(string team, DateOnly dueOn, string note) =>
        $"For {team}, due {dueOn:ddd d MMM}." + (string.IsNullOrWhiteSpace(note) ? "" : $" {note}");
}

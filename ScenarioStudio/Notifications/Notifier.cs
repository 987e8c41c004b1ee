using ScenarioStudio.Data;
using ScenarioStudio.ScaleOut;

namespace ScenarioStudio.Notifications;

/// <summary>
/// Cross-circuit signal: a member's notifications changed (a new one, one read); their bell and notifications page
/// re-load. Published through <see cref="ILiveEvents{T}"/>, so it reaches the member's pages on every node.
/// </summary>
public sealed record NotificationsChanged(string UserId);

/// <summary>
/// Sends notifications: <see cref="Add"/> adds the rows to the caller's context (saved and committed with the change
/// that caused them); <see cref="Announce"/>, called after the commit, tells the recipients' open bells and queues the
/// e-mails (when SMTP is configured): never inside the transaction, so a slow or failing mail server cannot hold it.
/// </summary>
public sealed class Notifier(ILiveEvents<NotificationsChanged> events, TimeProvider clock, NotificationMailQueue mail)
{
    private readonly HashSet<string> pending = [];
    private readonly List<Notification> added = [];

    public void Add(AppDbContext db, Guid organisationId, IEnumerable<string> userIds, NotificationKind kind, string title, string body, string link)
    {
        foreach (var userId in userIds.Distinct())
        {
            var notification = new Notification
            {
                OrganisationId = organisationId, UserId = userId, Kind = kind, Title = title.Shorten(200), Body = body.Shorten(500),
                Link = link, CreatedAt = clock.GetUtcNow(),
            };
            db.Set<Notification>().Add(notification);
            lock (pending)
            {
                pending.Add(userId);
                added.Add(notification);
            }
        }
    }

    public void Announce()
    {
        string[] users;
        Notification[] saved;
        lock (pending)
        {
            users = [.. pending];
            // Only rows the commit stored (they have their key); a rolled-back change sends nothing.
            saved = [.. added.Where(n => n.Id > 0)];
            pending.Clear();
            added.Clear();
        }
        foreach (var userId in users) events.Publish(new NotificationsChanged(userId));
        foreach (var notification in saved) mail.Enqueue(notification);
    }
}

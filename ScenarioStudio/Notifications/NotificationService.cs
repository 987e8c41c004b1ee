using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.ScaleOut;

namespace ScenarioStudio.Notifications;

public sealed record NotificationItem(long Id, NotificationKind Kind, string Title, string Body, string Link, DateTimeOffset CreatedAt, bool IsRead);

/// <summary>The newest notifications and how many are unread (the bell).</summary>
public sealed record NotificationSummary(IReadOnlyList<NotificationItem> Latest, int Unread);

public sealed record NotificationPage(IReadOnlyList<NotificationItem> Items, int Total, int Unread);

/// <summary>
/// The caller's own notifications: every query is filtered by the caller's user id as well as the organisation, so
/// nobody reads or marks another member's.
/// </summary>
public sealed class NotificationService(CurrentUser currentUser, TenantDb tenantDb, ILiveEvents<NotificationsChanged> events, TimeProvider clock)
{
    public const int BellSize = 8;
    public const int MaxPageSize = 100;

    /// <summary>The signed-in member's id, for matching <see cref="NotificationsChanged"/> events to this circuit.</summary>
    public async Task<string> UserIdAsync(CancellationToken ct = default) => (await currentUser.GetAsync(ct)).UserId;

    public async Task<NotificationSummary> LatestAsync(int max = BellSize, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var mine = Mine(db, caller);
        var latest = await Items(mine.OrderByDescending(n => n.Id).Take(Math.Clamp(max, 1, MaxPageSize))).ToListAsync(ct);
        return new NotificationSummary(latest, await mine.CountAsync(n => n.ReadAt == null, ct));
    }

    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await Mine(db, caller).CountAsync(n => n.ReadAt == null, ct);
    }

    /// <summary>One page (from 0) of the caller's notifications, newest first.</summary>
    public async Task<NotificationPage> PageAsync(int page, int pageSize, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var mine = Mine(db, caller);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var items = await Items(mine.OrderByDescending(n => n.Id).Skip(Math.Max(page, 0) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new NotificationPage(items, await mine.CountAsync(ct), await mine.CountAsync(n => n.ReadAt == null, ct));
    }

    /// <summary>Marks one of the caller's notifications read and returns where it links to.</summary>
    public async Task<string> MarkReadAsync(long id, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var notification = await Mine(db, caller).SingleOrDefaultAsync(n => n.Id == id, ct)
            ?? throw new ForbiddenException("This notification does not exist or is not yours.");
        if (notification.ReadAt is null)
        {
            notification.ReadAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            events.Publish(new NotificationsChanged(caller.UserId)); // the caller's other tabs
        }
        return SafeLink(notification.Link);
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var now = clock.GetUtcNow();
        var changed = await Mine(db, caller).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        if (changed > 0) events.Publish(new NotificationsChanged(caller.UserId));
        return changed;
    }

    /// <summary>Links are local paths; anything else (another site, "//host") goes home instead of leaving the app.</summary>
    public static string SafeLink(string link) =>
        link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal) && !link.StartsWith("/\\", StringComparison.Ordinal) ? link : "/";

    private static IQueryable<Notification> Mine(AppDbContext db, Caller caller) =>
        db.Notifications.Where(n => n.OrganisationId == caller.OrganisationId && n.UserId == caller.UserId);

    private static IQueryable<NotificationItem> Items(IQueryable<Notification> query) =>
        query.Select(n => new NotificationItem(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null));
}

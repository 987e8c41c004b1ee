using System.Security.Cryptography;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Schedules;

/// <summary>
/// Each member's secret calendar feed of their teams' practice times. Calendar apps cannot sign in, so the address is the
/// secret: 32 random bytes, base64url, of which only the SHA-256 is stored. Making a new address revokes the old one.
///
/// The feed lists expanded occurrences in UTC (<see cref="DaysBack"/> back to <see cref="DaysAhead"/> ahead) rather than
/// recurring events with a VTIMEZONE: every calendar app reads a UTC DTSTART the same way, whereas RRULEs with TZIDs
/// depend on each client's own time-zone data and VTIMEZONE handling (Outlook's is known to drift); the events are then
/// exactly <see cref="PracticeWindows"/>' occurrences, so a changed or removed slot shows on the next refresh instead of
/// leaving an orphaned series; and each occurrence has a stable UID, so a refresh updates rather than duplicates.
/// </summary>
public sealed class CalendarFeedService(CurrentUser currentUser, TenantDb tenantDb, TimeProvider clock)
{
    public const int DaysBack = 14;
    public const int DaysAhead = 84;

    /// <summary>When the caller's current feed address was made, or null when they have none.</summary>
    public async Task<DateTimeOffset?> CreatedAtAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Set<CalendarFeed>().Where(f => f.UserId == caller.UserId).Select(f => (DateTimeOffset?)f.CreatedAt).SingleOrDefaultAsync(ct);
    }

    /// <summary>A new secret token for the caller's feed, replacing (and so revoking) any previous one. Shown once: only its hash is kept.</summary>
    public async Task<string> CreateAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var feed = await db.Set<CalendarFeed>().SingleOrDefaultAsync(f => f.UserId == caller.UserId, ct);
        if (feed is null) db.Add(feed = new CalendarFeed { UserId = caller.UserId, OrganisationId = caller.OrganisationId });
        feed.TokenHash = Hash(token);
        feed.CreatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Turns the caller's feed off: its address answers 404 from now on.</summary>
    public async Task RevokeAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.Practise, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await db.Set<CalendarFeed>().Where(f => f.UserId == caller.UserId).ExecuteDeleteAsync(ct);
    }

    public static string PathFor(string token) => $"/calendar/{token}.ics";

    /// <summary>
    /// The iCalendar text of the feed with this token, or null when no active member has it. <paramref name="appUrl"/> is
    /// where the events' descriptions link to.
    /// </summary>
    public async Task<string?> RenderAsync(string token, string appUrl, CancellationToken ct = default)
    {
        if (token.Length != 43 || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return null;
        var hash = Hash(token);
        Caller owner;
        // A named exception to tenant scoping: the token alone says whose feed it is, before any organisation is known.
        await using (var system = await tenantDb.OpenAsSystemAsync(ct))
        {
            var found = await system.Set<CalendarFeed>().AsNoTracking().Where(f => f.TokenHash == hash && f.User!.IsActive)
                .Select(f => new Caller(f.UserId, f.User!.OrganisationId, f.User.Role, f.User.DisplayName)).SingleOrDefaultAsync(ct);
            if (found is null) return null;
            owner = found;
        }
        await using var db = await tenantDb.OpenAsync(owner, ct);
        var teams = db.TeamMembers.Where(m => m.UserId == owner.UserId).Select(m => m.TeamId);
        var slots = await db.Set<PracticeSlot>().AsNoTracking().Where(s => teams.Contains(s.TeamId))
            .Select(s => new { Team = s.Team!.Name, Slot = s }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var calendar = new Calendar { ProductId = "-//ScenarioStudio//Practice schedule//EN" };
        calendar.AddProperty("X-WR-CALNAME", "ScenarioStudio practice");
        calendar.AddProperty("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        foreach (var team in slots.GroupBy(s => s.Team))
        {
            var bySlot = team.ToDictionary(s => s.Slot.Id, s => s.Slot);
            foreach (var o in PracticeWindows.Occurrences(bySlot.Values.Select(s => s.ToRule()), now.AddDays(-DaysBack), now.AddDays(DaysAhead)))
            {
                var slot = bySlot[o.SlotId];
                var view = new SlotView(slot.Id, slot.Days, slot.StartTime, slot.TimeZone, slot.DurationMinutes);
                calendar.Events.Add(new CalendarEvent
                {
                    Uid = $"{o.SlotId:N}-{o.Start.UtcDateTime:yyyyMMddTHHmmss}Z@scenariostudio",
                    DtStart = new CalDateTime(o.Start.UtcDateTime, "UTC"),
                    DtEnd = new CalDateTime(o.End.UtcDateTime, "UTC"),
                    DtStamp = new CalDateTime(now.UtcDateTime, "UTC"),
                    Summary = $"Practice: {team.Key}",
                    Description = $"{team.Key}'s practice time, {view.Describe()}. Practise in ScenarioStudio: {appUrl}",
                    Url = new Uri(appUrl),
                });
            }
        }
        return new CalendarSerializer().SerializeToString(calendar);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace ScenarioStudio.Audit;

/// <summary>
/// The audit page's filters as its address holds them (<c>/audit?actor=…&amp;action=Export&amp;kind=Member&amp;subject=…&amp;from=2026-11-01</c>),
/// shared with the export download so the file has the rows the page shows. Dates are days in the viewer's time zone,
/// both inclusive; <see cref="SubjectName"/> only labels the chosen subject.
/// </summary>
public sealed record AuditQuery(string? Actor = null, IReadOnlyList<AuditAction>? Actions = null, string? Kind = null, string? Subject = null,
    string? SubjectName = null, DateOnly? From = null, DateOnly? To = null)
{
    public const string DateFormat = "yyyy-MM-dd";

    public static AuditQuery Parse(string? actor, IEnumerable<string?>? actions, string? kind, string? subject, string? name, string? from, string? to) =>
        new(Blank(actor), (actions ?? []).Select(a => Enum.TryParse<AuditAction>(a, out var v) && Enum.IsDefined(v) ? v : (AuditAction?)null)
                .OfType<AuditAction>().Distinct().ToList(),
            Blank(kind), Blank(subject), Blank(name), Day(from), Day(to));

    public static AuditQuery Parse(IQueryCollection query) =>
        Parse(query["actor"], query["action"], query["kind"], query["subject"], query["name"], query["from"], query["to"]);

    /// <summary>The filter for the service: the days become instants in the viewer's zone (the end day runs to its midnight).</summary>
    public AuditFilter ToFilter(TimeZoneInfo zone) => new(Actor, Actions, Kind, Subject,
        From is { } from ? Midnight(from, zone) : null, To is { } to ? Midnight(to.AddDays(1), zone) : null);

    /// <summary>The query string (without "?"), empty parts left out.</summary>
    public string ToQueryString()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(new(key, value));
        }
        Add("actor", Actor);
        foreach (var action in Actions ?? []) Add("action", action.ToString());
        Add("kind", Kind);
        Add("subject", Subject);
        Add("name", SubjectName);
        Add("from", From?.ToString(DateFormat, CultureInfo.InvariantCulture));
        Add("to", To?.ToString(DateFormat, CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString("", parts).TrimStart('?');
    }

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a clock change falls back to the hour after it.
        while (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}

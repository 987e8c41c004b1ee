using ScenarioStudio.Audit;

namespace ScenarioStudio.Tests.Audit;

/// <summary>The audit page's filters as its address holds them, and the days they stand for in the viewer's time zone.</summary>
public sealed class AuditQueryTests
{
    [Fact]
    public void A_query_survives_the_address_and_unknown_values_are_dropped()
    {
        var query = new AuditQuery("u1", [AuditAction.RoleChange, AuditAction.Export], AuditSubjects.Member, "u2", "Rosa & Co", new(2026, 11, 1),
            new(2026, 11, 30));
        var text = query.ToQueryString();
        Assert.Equal("actor=u1&action=RoleChange&action=Export&kind=Member&subject=u2&name=Rosa%20%26%20Co&from=2026-11-01&to=2026-11-30", text);

        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text);
        var back = AuditQuery.Parse(parsed["actor"], parsed["action"], parsed["kind"], parsed["subject"], parsed["name"], parsed["from"], parsed["to"]);
        Assert.Equal(text, back.ToQueryString());
        Assert.Equal("", AuditQuery.Parse(" ", ["Nonsense", "42"], null, null, null, "yesterday", "2026-13-01").ToQueryString());
    }

    [Fact]
    public void Days_are_the_viewers_days_with_the_end_day_included()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var filter = new AuditQuery(From: new(2026, 7, 1), To: new(2026, 7, 1)).ToFilter(berlin);
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero), filter.From);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 22, 0, 0, TimeSpan.Zero), filter.To);
        Assert.Equal(TimeSpan.Zero, filter.From!.Value.Offset);
    }
}

using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Audit;

/// <summary>
/// The address a circuit or request came from (scoped): set for each HTTP request and when a circuit's connection comes
/// up (<see cref="ClientAddressCapture"/>), after the forwarded headers of a trusted proxy have been applied.
/// </summary>
public sealed class ClientAddress
{
    public string? Value { get; set; }

    /// <summary>The address as people read it: an IPv4 client of a dual-stack socket without its ::ffff: prefix.</summary>
    public static string? Show(System.Net.IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

/// <summary>
/// Records changes in the audit log. <see cref="Record"/> only adds the row to the caller's context, so it is saved
/// by the same SaveChanges and committed or rolled back with the change it describes.
/// </summary>
public sealed class AuditTrail(ClientAddress address, TimeProvider clock)
{
    public const int MaxText = 300;
    public const string NoUpdateTrigger = "AuditEntries_no_update";
    public const string NoDeleteTrigger = "AuditEntries_no_delete";

    public void Record(AppDbContext db, Caller caller, AuditAction action, AuditSubject subject, string summary,
        IReadOnlyList<FieldChange>? changes = null)
    {
        db.Set<AuditEntry>().Add(new AuditEntry
        {
            OrganisationId = caller.OrganisationId, At = clock.GetUtcNow(), ActorId = caller.UserId, ActorName = caller.DisplayName.Shorten(100),
            Address = address.Value, Action = action, SubjectKind = subject.Kind, SubjectId = subject.Id, SubjectName = subject.Name.Shorten(200),
            Summary = summary.Shorten(500),
            Changes = changes?.Select(c => new FieldChange(c.Field, CutOrNull(c.Before), CutOrNull(c.After))).ToList() ?? [],
        });
    }

    /// <summary>The fields whose values differ, in the order given.</summary>
    public static List<FieldChange> Diff(params (string Field, object? Before, object? After)[] fields) =>
        fields.Select(f => (f.Field, Before: Show(f.Before), After: Show(f.After)))
            .Where(f => f.Before != f.After)
            .Select(f => new FieldChange(f.Field, f.Before, f.After))
            .ToList();

    /// <summary>
    /// A secret's change, never its value: before "set" or "not set", after "set", "changed" or "cleared"; null when it
    /// stayed as it was.
    /// </summary>
    public static FieldChange? Secret(string field, bool hadValue, bool cleared, bool replaced) => (cleared, replaced) switch
    {
        (true, _) when hadValue => new FieldChange(field, "set", "cleared"),
        (false, true) => new FieldChange(field, hadValue ? "set" : "not set", hadValue ? "changed" : "set"),
        _ => null,
    };

    private static string? Show(object? value) => value switch
    {
        null => null,
        IEnumerable<string> list => string.Join(", ", list),
        _ => value.ToString(),
    };

    private static string? CutOrNull(string? text) => text is null ? null : text.Shorten(MaxText);
}

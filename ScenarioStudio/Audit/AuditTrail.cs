using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Audit;

/// <summary>The address a circuit or request came from, captured when it started (scoped).</summary>
public sealed class ClientAddress
{
    public string? Value { get; set; }
}

/// <summary>
/// Records changes in the audit log. <see cref="Record"/> only adds the row to the caller's context, so it is saved
/// by the same SaveChanges and committed or rolled back with the change it describes.
/// </summary>
public sealed class AuditTrail(ClientAddress address, TimeProvider clock)
{
    public const int MaxText = 300;

    public void Record(AppDbContext db, Caller caller, AuditAction action, AuditSubject subject, string summary,
        IReadOnlyList<FieldChange>? changes = null)
    {
        db.Set<AuditEntry>().Add(new AuditEntry
        {
            OrganisationId = caller.OrganisationId, At = clock.GetUtcNow(), ActorId = caller.UserId, ActorName = Cut(caller.DisplayName, 100),
            Address = address.Value, Action = action, SubjectKind = subject.Kind, SubjectId = subject.Id, SubjectName = Cut(subject.Name, 200),
            Summary = Cut(summary, 500),
            Changes = changes?.Select(c => new FieldChange(c.Field, CutOrNull(c.Before), CutOrNull(c.After))).ToList() ?? [],
        });
    }

    /// <summary>The fields whose values differ, in the order given.</summary>
    public static List<FieldChange> Diff(params (string Field, object? Before, object? After)[] fields) =>
        fields.Select(f => (f.Field, Before: Show(f.Before), After: Show(f.After)))
            .Where(f => f.Before != f.After)
            .Select(f => new FieldChange(f.Field, f.Before, f.After))
            .ToList();

    private static string? Show(object? value) => value switch
    {
        null => null,
        IEnumerable<string> list => string.Join(", ", list),
        _ => value.ToString(),
    };

    private static string? CutOrNull(string? text) => text is null ? null : Cut(text, MaxText);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

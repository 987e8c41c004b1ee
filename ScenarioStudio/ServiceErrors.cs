namespace ScenarioStudio;

// The refusals services throw and pages turn into messages (see Components/ServiceCalls.cs). One home, in the root
// namespace, so every feature sees them without a using.

/// <summary>Thrown when the caller may not do what they asked; pages show its message.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>Thrown when a save is based on an older revision than the stored one.</summary>
public sealed class ConcurrencyConflictException() : Exception("Someone else saved this scenario meanwhile. Reload it to see their changes.");

/// <summary>
/// The AI provider failed, timed out or answered something unusable. The message is written for a learner and shown
/// with Retry; <see cref="Detail"/> (the endpoint's own words) is for Admins: logged, and shown on the AI settings page.
/// </summary>
public sealed class AiProviderException(string message, Exception? inner = null, string? detail = null) : Exception(message, inner)
{
    public string Detail => detail ?? InnerException?.Message ?? Message;

    /// <summary>Set when an AI limit was reached: the moment a retry will be allowed again.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}

/// <summary>Input a service refused; <see cref="Errors"/> maps a field name to its messages, shown next to that field.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public ValidationFailedException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }
}

/// <summary>Collects field errors, then throws them all at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = [];

    public bool Any => errors.Count > 0;

    public bool Has(string field) => errors.ContainsKey(field);

    public FieldErrors Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public FieldErrors Check(bool ok, string field, string message) => ok ? this : Add(field, message);

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void ThrowIfAny()
    {
        if (Any) throw new ValidationFailedException(ToDictionary());
    }
}

namespace ScenarioStudio.Scenarios;

public static class ScenarioVersioning
{
    public const int NoteLength = 1000;

    /// <summary>The phases, each with a key of its own: missing and repeated keys (a pasted or imported phase) get new ones.</summary>
    public static IEnumerable<Phase> WithPhaseKeys(IEnumerable<Phase> phases)
    {
        var seen = new HashSet<string>();
        foreach (var phase in phases)
        {
            if (string.IsNullOrWhiteSpace(phase.Key) || !seen.Add(phase.Key))
            {
                phase.Key = NewPhaseKey();
                seen.Add(phase.Key);
            }
            yield return phase;
        }
    }

    public static string NewPhaseKey() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>A note as stored: trimmed and no longer than <see cref="NoteLength"/>.</summary>
    public static string Note(string? note)
    {
        var text = (note ?? "").Trim();
        return text.Length <= NoteLength ? text : text[..NoteLength];
    }
}

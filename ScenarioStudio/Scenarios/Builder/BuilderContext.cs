namespace ScenarioStudio.Scenarios.Builder;

/// <summary>Cascaded to every builder section: the field errors to show and the "something changed" signal.</summary>
public sealed class BuilderContext(Func<Task> changed)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();
    public bool ReadOnly { get; set; }
    /// <summary>The caller writes or reviews scenarios, so the History tab shows.</summary>
    public bool CanReadHistory { get; set; }
    /// <summary>The caller writes scenarios and the organisation has an AI provider: phases offer "Improve with AI".</summary>
    public bool CanImprove { get; set; }
    /// <summary>The whole scenario being edited, for sections that need more than their own part (rubric test runs).</summary>
    public ScenarioDocument? Document { get; set; }
    /// <summary>The saved scenario's id (null until a new one is first saved): for downloads of its saved content.</summary>
    public int? ScenarioId { get; set; }
    /// <summary>Runs a phase's rubric test cases; null when the caller may not (the page decides from their role).</summary>
    public Func<ScenarioDocument, int, Task<IReadOnlyList<RubricTestResult>>>? RunTests { get; set; }

    /// <summary>Open comment threads per phase (the phase headers' comment icons); empty when the caller does not comment.</summary>
    public Comments.CommentCounts CommentCounts { get; set; } = Comments.CommentCounts.None;
    /// <summary>Opens the comments drawer at a phase (or the whole scenario for null); null when the caller does not comment.</summary>
    public Func<int?, Task>? OpenComments { get; set; }

    public Task ChangedAsync() => changed();

    public bool Has(string key) => Errors.ContainsKey(key);

    public string? Error(string key) => Errors.TryGetValue(key, out var e) ? string.Join(" ", e) : null;

    /// <summary>Errors of a section, to badge its tab, e.g. "Phases" counts every "Phases[...]" key.</summary>
    public int CountUnder(params string[] prefixes) =>
        Errors.Keys.Count(k => prefixes.Any(p => k == p || k.StartsWith(p + ".", StringComparison.Ordinal) || k.StartsWith(p + "[", StringComparison.Ordinal)));
}

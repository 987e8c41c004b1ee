using MudBlazor;

namespace ScenarioStudio.Scenarios;

/// <summary>Human names and colours for the scenario enums, one place for every page.</summary>
public static class Labels
{
    public static string Of(ScenarioStatus s) => s == ScenarioStatus.InReview ? "In review" : s.ToString();

    public static Color ColourOf(ScenarioStatus s) => s switch
    {
        ScenarioStatus.Published => Color.Success,
        ScenarioStatus.InReview => Color.Warning,
        ScenarioStatus.Archived => Color.Default,
        _ => Color.Info,
    };

    public static string Of(ReviewEventKind k) => k switch
    {
        ReviewEventKind.Submitted => "Submitted for review",
        ReviewEventKind.ChangesRequested => "Changes requested",
        ReviewEventKind.Approved => "Approved and published",
        ReviewEventKind.Restored => "Restored",
        _ => "Draft changes discarded",
    };

    public static string Of(DraftStatus d) => d == DraftStatus.InReview ? "Changes in review" : "Draft changes";

    public static string Of(VersionRef v, int? live) => v.Working ? "Draft being edited"
        : v.Number is { } n ? (n == live ? $"Version {n} (live)" : $"Version {n}") : live is { } l ? $"Version {l} (live)" : "Live version";

    public static string Of(Visibility v) => v == Visibility.Organisation ? "Organisation" : v.ToString();

    public static string Of(ScenarioSort s) => s switch
    {
        ScenarioSort.Relevance => "Relevance",
        ScenarioSort.Updated => "Recently updated",
        ScenarioSort.Title => "Title A–Z",
        ScenarioSort.Difficulty => "Easiest first",
        _ => "Shortest first",
    };
}

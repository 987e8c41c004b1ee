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

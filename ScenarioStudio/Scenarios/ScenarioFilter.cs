namespace ScenarioStudio.Scenarios;

/// <summary>The list page's filter state, bound by the filter bar.</summary>
public sealed class ScenarioFilter
{
    public string? Search { get; set; }
    public ScenarioDomain? Domain { get; set; }
    public string? Category { get; set; }
    public Difficulty? Difficulty { get; set; }
    public ScenarioStatus? Status { get; set; }
    public Visibility? Visibility { get; set; }
    public string? OwnerId { get; set; }

    public ScenarioQuery ToQuery(ScenarioSort sort, bool descending, int page, int pageSize) =>
        new(Search, Domain, Category, Difficulty, Status, Visibility, OwnerId, sort, descending, page, pageSize);
}

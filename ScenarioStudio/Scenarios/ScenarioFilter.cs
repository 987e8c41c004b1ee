namespace ScenarioStudio.Scenarios;

/// <summary>
/// The list page's filters and order, bound by the filter bar and kept in the page's address (<c>?q=refund&amp;sort=Title</c>),
/// so a reload, Back or a shared link shows the same list. A record: two filters with the same values are equal.
/// </summary>
public sealed record ScenarioFilter
{
    private string? search;

    /// <summary>What the user typed, as typed (an empty box is null).</summary>
    public string? Search { get => search; set => search = string.IsNullOrEmpty(value) ? null : value; }
    public ScenarioDomain? Domain { get; set; }
    public string? Category { get; set; }
    public Difficulty? Difficulty { get; set; }
    public ScenarioStatus? Status { get; set; }
    public Visibility? Visibility { get; set; }
    public string? OwnerId { get; set; }

    /// <summary>
    /// The order the user chose, kept whatever they type next; null until they choose one, which means relevance while
    /// searching and most recently updated otherwise (choosing Relevance goes back to that).
    /// </summary>
    public ScenarioSort? Sort { get; private set; }

    public bool IsSearching => ScenarioSearchIndex.ToMatchQuery(Search) is not null;

    /// <summary>The order the list is in, as the sort control shows it.</summary>
    public ScenarioSort ShownSort => Sort ?? (IsSearching ? ScenarioSort.Relevance : ScenarioSort.Updated);

    public void SortBy(ScenarioSort sort) => Sort = sort == ScenarioSort.Relevance ? null : sort;

    public ScenarioQuery ToQuery(int page, int pageSize) =>
        new(Search, Domain, Category, Difficulty, Status, Visibility, OwnerId, Sort ?? ScenarioSort.Relevance, page, pageSize);

    /// <summary>The address's query parameters for this filter; null removes a parameter.</summary>
    public IReadOnlyDictionary<string, object?> ToUrlParameters() => new Dictionary<string, object?>
    {
        ["q"] = Search, ["domain"] = Domain?.ToString(), ["category"] = Category, ["difficulty"] = Difficulty?.ToString(),
        ["status"] = Status?.ToString(), ["visibility"] = Visibility?.ToString(), ["owner"] = OwnerId, ["sort"] = Sort?.ToString(),
    };

    /// <summary>The filter an address describes (the parameters <see cref="ToUrlParameters"/> writes); unknown values are ignored.</summary>
    public static ScenarioFilter FromUrl(string? q, string? domain, string? category, string? difficulty, string? status, string? visibility,
        string? owner, string? sort)
    {
        var filter = new ScenarioFilter
        {
            Search = q, Domain = Parse<ScenarioDomain>(domain), Category = NullIfEmpty(category), Difficulty = Parse<Difficulty>(difficulty),
            Status = Parse<ScenarioStatus>(status), Visibility = Parse<Visibility>(visibility), OwnerId = NullIfEmpty(owner),
        };
        if (Parse<ScenarioSort>(sort) is { } chosen) filter.SortBy(chosen);
        return filter;
    }

    private static T? Parse<T>(string? value) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(value![0]) ? parsed : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

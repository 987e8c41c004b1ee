namespace ScenarioStudio.Scenarios.Bulk;

/// <summary>
/// The list's selection: ids ticked row by row (across pages), or every id that matches the filter once the user asks
/// for "all that match" (resolved by <see cref="ScenarioQueries.MatchingIdsAsync"/>). Owned by the list page.
/// </summary>
public sealed class BulkSelection
{
    private HashSet<int> ids = [];

    /// <summary>The rows the grid shows now.</summary>
    public IReadOnlyList<ScenarioRow> Page { get; set; } = [];
    /// <summary>Set when the selection is every scenario that matches the filter.</summary>
    public bool AllMatching { get; private set; }
    public IReadOnlyCollection<int> Ids => ids;
    public int Count => ids.Count;

    public bool Contains(int id) => ids.Contains(id);

    public void Set(int id, bool selected)
    {
        AllMatching = false;
        if (selected) ids.Add(id);
        else ids.Remove(id);
    }

    /// <summary>The page's header box: ticked when every row shown is, empty when none is, mixed otherwise.</summary>
    public bool? PageState => Page.Count == 0 || !Page.Any(r => ids.Contains(r.Id)) ? false : Page.All(r => ids.Contains(r.Id)) ? true : null;

    public void SetPage(bool selected)
    {
        foreach (var row in Page) Set(row.Id, selected);
    }

    public void SelectAllMatching(IReadOnlyList<int> matching)
    {
        ids = [.. matching];
        AllMatching = true;
    }

    public void Clear()
    {
        ids = [];
        AllMatching = false;
    }
}

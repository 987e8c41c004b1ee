using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class ScenarioFilterTests
{
    private static ScenarioFilter FromUrl(IReadOnlyDictionary<string, object?> p) => ScenarioFilter.FromUrl(
        (string?)p["q"], (string?)p["domain"], (string?)p["category"], (string?)p["difficulty"], (string?)p["status"],
        (string?)p["visibility"], (string?)p["owner"], (string?)p["sort"]);

    [Fact]
    public void A_filter_survives_the_round_trip_through_the_address()
    {
        var filter = new ScenarioFilter
        {
            Search = "refund día", Domain = ScenarioDomain.Support, Category = "Billing", Difficulty = Difficulty.Advanced,
            Status = ScenarioStatus.InReview, Visibility = Visibility.Private, OwnerId = "u-1",
        };
        filter.SortBy(ScenarioSort.Title);
        Assert.Equal(filter, FromUrl(filter.ToUrlParameters()));
        Assert.Equal(new ScenarioFilter(), FromUrl(new ScenarioFilter().ToUrlParameters()));
        Assert.All(new ScenarioFilter().ToUrlParameters().Values, Assert.Null);
    }

    [Fact]
    public void Words_rank_by_relevance_until_the_user_picks_an_order_which_then_stays()
    {
        var filter = new ScenarioFilter();
        Assert.Equal(ScenarioSort.Updated, filter.ShownSort);
        filter.Search = "refund";
        Assert.Equal(ScenarioSort.Relevance, filter.ShownSort);
        Assert.Equal(ScenarioSort.Relevance, filter.ToQuery(0, 25).Sort);

        filter.SortBy(ScenarioSort.Title);
        filter.Search = "charged twice";
        Assert.Equal(ScenarioSort.Title, filter.ShownSort);
        filter.Search = null;
        Assert.Equal(ScenarioSort.Title, filter.ShownSort);

        // Picking Relevance again is the default: relevance with words, newest first without.
        filter.SortBy(ScenarioSort.Relevance);
        Assert.Null(filter.ToUrlParameters()["sort"]);
        Assert.Equal(ScenarioSort.Updated, filter.ShownSort);
    }

    [Fact]
    public void Values_the_address_cannot_mean_are_ignored()
    {
        var filter = ScenarioFilter.FromUrl("", "Mars", "", "7", "published", null, null, "Sideways");
        Assert.Equal(new ScenarioFilter { Status = ScenarioStatus.Published }, filter);
    }
}

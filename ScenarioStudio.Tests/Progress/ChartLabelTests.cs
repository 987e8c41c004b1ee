using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using ScenarioStudio.Components;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Progress;

/// <summary>
/// Issue 20.1: names people type (criteria, scenarios, teams, learners) reach chart labels as text. MudChart writes
/// axis labels as markup, so a criterion named "&lt;meta http-equiv=refresh …&gt;" used to become an element.
/// </summary>
public sealed class ChartLabelTests : MudTestContext
{
    [Theory]
    [InlineData(ChartType.Bar)]
    [InlineData(ChartType.Line)]
    public void Every_label_is_drawn_as_the_text_it_was(ChartType type)
    {
        IElement Draw(string[] labels) => Render<TextChart>(p => p
            .Add(c => c.Type, type).Add(c => c.SeriesName, "Average")
            .Add(c => c.Labels, labels).Add(c => c.Values, labels.Select((_, i) => (double)i * 7).ToList())).Find("svg");

        // Twelve labels share the width: each is shortened, as text, before it is encoded.
        var max = TextChart.MaxLabelLength(12);
        var shortened = HostilePayloads.All.Select(p => p.Length <= max ? p : p[..(max - 1)].TrimEnd() + "…");
        HostilePayloads.AssertInert(Draw(HostilePayloads.Harmless), Draw(HostilePayloads.All), shortened);
    }

    [Fact]
    public void Long_labels_are_shortened_so_they_do_not_run_into_each_other()
    {
        string[] names = ["Objection handling", "Communication and empathy with the customer", "Verification", "Technical accuracy", "Closing"];
        var chart = Render<TextChart>(p => p.Add(c => c.Type, ChartType.Bar).Add(c => c.SeriesName, "Average")
            .Add(c => c.Labels, names).Add(c => c.Values, [50.0, 60, 70, 80, 90]));

        var drawn = chart.FindAll("g.mud-charts-xaxis text").Select(t => t.TextContent).ToList();
        Assert.Equal(["Objection handl…", "Communication a…", "Verification", "Technical accur…", "Closing"], drawn); // 16 characters each
    }

    [Fact]
    public void The_team_dashboard_charts_draw_hostile_criterion_names_as_text()
    {
        IElement Draw(string[] names) => Render<TeamCharts>(p => p.Add(c => c.Dashboard, Dashboard(names))).Find("#team-criteria");

        // The chart shows the first eight criteria; the table beside it all of them.
        HostilePayloads.AssertInert(Draw(HostilePayloads.Harmless), Draw(HostilePayloads.All), HostilePayloads.All);
    }

    [Fact]
    public void No_page_draws_a_chart_except_through_TextChart()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ScenarioStudio.sln"))) root = root.Parent!;
        var direct = Directory.EnumerateFiles(Path.Combine(root.FullName, "ScenarioStudio"), "*.razor", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("TextChart.razor", StringComparison.Ordinal) && File.ReadAllText(f).Contains("<MudChart", StringComparison.Ordinal))
            .Select(Path.GetFileName);
        Assert.Empty(direct);
    }

    private static TeamDashboard Dashboard(string[] criteria) => new([], [], [], 0, null, 30,
        criteria.Select((n, i) => new CriterionAverage(n, 40 + i, 3)).ToList(),
        [new MonthlyScore(new DateOnly(2026, 11, 1), 2, 60), new MonthlyScore(new DateOnly(2026, 12, 1), 3, 70)]);
}

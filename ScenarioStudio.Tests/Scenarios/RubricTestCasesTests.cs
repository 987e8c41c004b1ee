using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Builder;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class RubricTestCasesTests : MudTestContext
{
    private readonly Phase phase = new()
    {
        Name = "Opening",
        TestCases = [new() { Name = "Good paraphrase", Answer = "Happy to help.", MinScore = 75, MaxScore = 100 }],
    };

    private IRenderedComponent<RubricTestCases> RenderCases(BuilderContext ctx) =>
        Render<RubricTestCases>(p => p.Add(c => c.Phase, phase).Add(c => c.Index, 0).AddCascadingValue(ctx));

    [Fact]
    public void Without_permission_to_run_there_is_no_run_button_but_cases_can_be_added()
    {
        var changes = 0;
        var cases = RenderCases(new BuilderContext(() => { changes++; return Task.CompletedTask; }) { Document = new ScenarioDocument { Phases = [phase] } });
        Assert.Empty(cases.FindAll("#phase-0-tests-run"));
        cases.Find("#phase-0-tests-add").Click();
        Assert.Equal(2, phase.TestCases.Count);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void A_run_shows_each_cases_score_against_its_band_and_a_summary()
    {
        var ctx = new BuilderContext(() => Task.CompletedTask)
        {
            Document = new ScenarioDocument { Phases = [phase] },
            RunTests = (doc, i) => Task.FromResult<IReadOnlyList<RubricTestResult>>(
                [new RubricTestResult(i, doc.Phases[i].Name, doc.Phases[i].TestCases[0], 52, false, ["Not yet: Confirms the order number."])]),
        };
        var cases = RenderCases(ctx);
        cases.Find("#phase-0-tests-run").Click();
        cases.WaitForAssertion(() => Assert.Contains("Outside its band: 52 (expected 75–100)", cases.Find("#phase-0-test-0-result").TextContent));
        Assert.Contains("Not yet: Confirms the order number.", cases.Find("#phase-0-test-0-result").TextContent);
        Assert.Contains("0 of 1 land in their band.", cases.Find("#phase-0-tests-summary").TextContent);
    }
}

using ScenarioStudio.Account;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class RubricTestServiceTests : OrganisationTestBase
{
    private static ScenarioDocument Template() =>
        ScenarioJson.Clone(ScenarioLibrary.All.Single(t => t.Key == "support-refund-outside-window").Document);

    private async Task<T> AsAsync<T>(ApplicationUser user, Func<RubricTestService, ScenarioServices, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope.Get<RubricTestService>(), scope.Scenarios());
    }

    [Fact]
    public async Task A_content_manager_runs_a_phases_cases_and_sees_which_land_outside_their_band_and_why()
    {
        var doc = Template();
        var phase = doc.Phases[1];
        // A band no sensible coach would give keyword stuffing: it must be reported as outside, with a reason.
        var stuffing = phase.TestCases.First(c => c.MaxScore <= 30);
        stuffing.MinScore = 90;
        stuffing.MaxScore = 100;

        var results = await AsAsync(org.ContentManager, (tests, _) => tests.RunAsync(doc, 1));

        Assert.Equal(phase.TestCases.Count, results.Count);
        Assert.All(results, r => Assert.Equal(1, r.PhaseIndex));
        Assert.All(results, r => Assert.Equal(r.InBand, r.Score >= r.Case.MinScore && r.Score <= r.Case.MaxScore));
        var miss = results.Single(r => ReferenceEquals(r.Case, stuffing));
        Assert.False(miss.InBand);
        Assert.NotEmpty(miss.Why);
    }

    [Fact]
    public async Task Publishing_is_warned_about_the_saved_cases_that_fail()
    {
        var doc = Template();
        doc.Slug = "refund-copy";
        doc.Phases[0].TestCases[0].MinScore = 0;
        doc.Phases[0].TestCases[0].MaxScore = 1; // a good paraphrase will not score 0-1
        var id = await AsAsync(org.ContentManager, (_, scenarios) => scenarios.Commands.CreateAsync(doc));

        var failing = await AsAsync(org.Reviewer, (tests, _) => tests.FailingAsync(id));

        Assert.Contains(failing, f => f.PhaseIndex == 0 && f.Case.Name == doc.Phases[0].TestCases[0].Name);
    }

    [Fact]
    public async Task Learners_and_managers_may_not_run_rubric_tests()
    {
        var doc = Template();
        foreach (var user in new[] { org.Learner, org.Manager })
            await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(user, (tests, _) => tests.RunAsync(doc)));
    }

    [Fact]
    public void Test_cases_are_validated_at_their_fields()
    {
        var doc = Template();
        doc.Phases[2].TestCases.Add(new RubricTestCase { Name = "", Answer = "", MinScore = 80, MaxScore = 20 });
        var errors = ScenarioValidator.Validate(doc, forPublish: true).ToDictionary();
        var at = doc.Phases[2].TestCases.Count - 1;
        Assert.Contains($"Phases[2].TestCases[{at}].Name", errors.Keys);
        Assert.Contains($"Phases[2].TestCases[{at}].Answer", errors.Keys);
        Assert.Contains($"Phases[2].TestCases[{at}].MinScore", errors.Keys);
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("Phases[0]", StringComparison.Ordinal));
    }
}

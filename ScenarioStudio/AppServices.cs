using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Audit;
using ScenarioStudio.Coaching;
using ScenarioStudio.Data;
using ScenarioStudio.Experiments;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Programs;
using ScenarioStudio.Progress;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Authoring;
using ScenarioStudio.Schedules;

namespace ScenarioStudio;

public static class AppServices
{
    /// <summary>
    /// Every service of the app except the web UI, in one list: the app, the tests and the benchmarks register the
    /// same services through it, so a new feature's registration reaches all three.
    /// </summary>
    public static IHostApplicationBuilder AddScenarioStudio(this IHostApplicationBuilder builder) =>
        builder.AddDataStorage().AddAccounts().AddOrganisations().AddAudit().AddNotifications()
            .AddScenarios().AddAuthoring().AddAi().AddPractice().AddProgress().AddSchedules().AddPrograms().AddExperiments().AddCoaching()
            .AddScaleOut();
}

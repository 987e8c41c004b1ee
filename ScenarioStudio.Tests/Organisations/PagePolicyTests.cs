using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Catalogue;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Tests.Scenarios;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>
/// Pages are guarded by the permission policies, never by role names, and each page's policy lets in exactly the
/// roles its service lets through: for every role, opening the page is allowed if and only if the call the page
/// makes for its content succeeds.
/// </summary>
public sealed class PagePolicyTests : OrganisationTestBase
{
    private int scenarioId;
    private int categoryId;
    private Guid programId;
    // Another organisation's public scenario: what the shared catalogue's preview shows.
    private int sharedId;

    /// <summary>Every page that has a policy, with the service call behind its content.</summary>
    private Dictionary<Type, Func<AsUser, Task>> PageCalls => new()
    {
        [typeof(TeamDashboardPage)] = u => u.Get<TeamDashboardService>().GetAsync(),
        [typeof(LearnerSessionsPage)] = u => u.Get<SessionHistory>().ListForLearnerAsync(org.Learner.Id),
        [typeof(TeamsPage)] = u => u.Get<TeamService>().ListAsync(),
        [typeof(MembersPage)] = u => u.Get<MemberService>().ListAsync(),
        [typeof(SettingsPage)] = u => u.Get<Branding>().UpdateAsync("Acme", Branding.DefaultPrimaryColour),
        [typeof(AiSettingsPage)] = u => u.Get<AiSettingsService>().GetAsync(),
        [typeof(TemplatesPage)] = u => u.Get<ScenarioCommands>().DuplicateAsync(scenarioId),
        [typeof(ScenarioStudio.Scenarios.History.ReviewQueuePage)] = u => u.Get<ScenarioHistory>().QueueAsync(),
        [typeof(ScenarioStudio.Audit.AuditLogPage)] = u => u.Get<ScenarioStudio.Audit.AuditLogService>().OptionsAsync(),
        [typeof(ScenarioStudio.Scenarios.Transfer.ImportPage)] = u => u.Get<ScenarioStudio.Scenarios.Transfer.ScenarioTransfer>()
            .DryRunAsync("[]"u8.ToArray(), "empty.json"),
        [typeof(CategoriesPage)] = u => u.Get<CategoryService>().MoveAsync(categoryId, 0),
        [typeof(ScenarioStudio.Programs.ProgramsPage)] = u => u.Get<ScenarioStudio.Programs.ProgramService>().ListAsync(),
        [typeof(ScenarioStudio.Programs.ProgramPage)] = u => u.Get<ScenarioStudio.Programs.ProgramService>().GetAsync(programId),
        [typeof(ScenarioStudio.Experiments.ExperimentsPage)] = u => u.Get<ScenarioStudio.Experiments.ExperimentService>().ListAsync(),
        [typeof(ScenarioStudio.Experiments.ExperimentPage)] = u => u.Get<ScenarioStudio.Experiments.ExperimentService>().CandidatesAsync(),
        // No Operator is configured here: no role passes the policy, and the service refuses every role.
        [typeof(OperatorPage)] = u => u.Get<OperatorService>().ListAsync(),
        [typeof(CataloguePage)] = u => u.Get<ScenarioCatalogue>().ListAsync(new CatalogueQuery()),
        [typeof(CatalogueScenarioPage)] = u => u.Get<ScenarioCatalogue>().GetAsync(sharedId),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var asAdmin = await db.AsAsync(org.Admin);
        await asAdmin.Get<TeamService>().CreateAsync(new TeamInput("Closers", org.Manager.Id, [org.Learner.Id]));
        var scenarios = asAdmin.Scenarios();
        scenarioId = await scenarios.Commands.CreateAsync(ScenarioSamples.Publishable("Open to everyone"));
        await scenarios.Lifecycle.PublishAsync(scenarioId);
        categoryId = (await asAdmin.Get<CategoryService>().ListAsync())[0].Id;
        programId = await asAdmin.Get<ScenarioStudio.Programs.ProgramService>().CreateAsync(new ScenarioStudio.Programs.ProgramInput("Week one", null,
            [new ScenarioStudio.Programs.ProgramDayInput("Openings", [scenarioId], 50, ScenarioStudio.Programs.UnlockRule.OnDate)]));
        var globex = await db.CreateOrganisationAsync("Globex");
        await using var asGlobex = await db.AsAsync(globex.Admin);
        sharedId = await asGlobex.Scenarios().Commands.CreateAsync(ScenarioSamples.Publishable("Shared with everyone"), Visibility.Public);
        await asGlobex.Scenarios().Lifecycle.PublishAsync(sharedId);
    }

    private static IEnumerable<Type> GuardedPages => typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any())
        .Where(t => t.GetCustomAttribute<AuthorizeAttribute>() is { Policy: not null } or { Roles: not null });

    [Fact]
    public void Pages_name_a_permission_policy_and_never_role_strings()
    {
        Assert.NotEmpty(GuardedPages);
        foreach (var page in GuardedPages)
        {
            var authorize = page.GetCustomAttribute<AuthorizeAttribute>()!;
            Assert.True(authorize.Roles is null, $"{page.Name} names roles: use a permission policy.");
            // The one policy that is not a role's: the install's Operator (a claim from Operator:Emails, OperatorService checks it too).
            Assert.True(Enum.TryParse<Permission>(authorize.Policy, out _) || authorize.Policy == ScenarioStudioClaimsFactory.OperatorClaim,
                $"{page.Name}: {authorize.Policy} is not a permission.");
            Assert.True(PageCalls.ContainsKey(page), $"{page.Name} is guarded but has no service call in this test.");
        }
    }

    [Fact]
    public async Task Each_pages_policy_admits_exactly_the_roles_its_service_serves()
    {
        var authorization = db.Services.GetRequiredService<IAuthorizationService>();
        foreach (var (page, call) in PageCalls)
        {
            var policy = page.GetCustomAttribute<AuthorizeAttribute>()!.Policy!;
            foreach (var (role, user) in org.Members)
            {
                await using var scope = await db.AsAsync(user);
                var principal = await scope.Get<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
                var admitted = (await authorization.AuthorizeAsync(principal, policy)).Succeeded;
                var served = await Refusals.ServedAsync(() => call(scope));
                Assert.True(admitted == served,
                    $"{page.Name} as {role}: the policy {(admitted ? "admits" : "refuses")} but the service {(served ? "serves" : "refuses")}.");
            }
        }
    }
}

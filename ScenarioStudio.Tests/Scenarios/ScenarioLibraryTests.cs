using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class ScenarioLibraryTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();

    public Task InitializeAsync() => db.InitializeAsync();
    public Task DisposeAsync() => db.DisposeAsync();

    public static TheoryData<string> TemplateKeys => new(ScenarioLibrary.All.Select(t => t.Key));

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Every_template_meets_the_publishing_rules(string key)
    {
        var doc = ScenarioLibrary.All.Single(t => t.Key == key).Document;
        var errors = ScenarioValidator.Validate(doc, forPublish: true).ToDictionary();
        Assert.True(errors.Count == 0, $"{key}: {string.Join(" | ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        Assert.Equal(key, doc.Slug);
        Assert.False(string.IsNullOrWhiteSpace(doc.Persona.Name));
        Assert.NotEmpty(doc.Persona.Traits);
        Assert.All(doc.Phases, p =>
        {
            Assert.NotEmpty(p.FollowUpObjections);
            Assert.False(string.IsNullOrWhiteSpace(p.CoachingNotes));
        });
    }

    [Fact]
    public void The_library_covers_every_domain_and_situation_the_product_promises()
    {
        var docs = ScenarioLibrary.All.Select(t => t.Document).ToList();
        Assert.True(docs.Count >= 16, $"only {docs.Count} templates");
        var text = string.Join("\n", docs.Select(d => (d.Title + " " + d.Description + " " + string.Join(' ', d.Tags)).ToLowerInvariant()));
        foreach (var word in new[] { "whatsapp", "trial", "billing", "refund", "verif", "promise", "hardship", "dispute",
                     "restaurant", "airport", "shopping", "meeting", "party", "doctor", "police", "bank", "hobby", "library" })
            Assert.Contains(word, text);
        Assert.True(docs.Count(d => d.Domain == ScenarioDomain.Language) >= 10);
        Assert.True(docs.Count(d => d.Domain == ScenarioDomain.Collections) >= 3);
        Assert.True(docs.Count(d => d.Domain == ScenarioDomain.Support) >= 3);
        Assert.True(docs.Count(d => d.Domain == ScenarioDomain.Sales) >= 1);
    }

    [Fact]
    public async Task The_first_signup_seeds_the_library_and_seeding_again_adds_nothing()
    {
        ApplicationUser admin;
        await using (var scope = db.Services.CreateAsyncScope())
            admin = await scope.ServiceProvider.GetRequiredService<SignUpService>()
                .RegisterAsync(new SignUpRequest("first@example.test", "First Admin", TestPasswords.Good, "Acme", null));

        await db.Services.SeedLibraryAsync();
        await using var check = await db.OpenUnfilteredAsync();
        var seeded = await check.Scenarios.Where(s => s.OrganisationId == admin.OrganisationId).ToListAsync();
        Assert.Equal(ScenarioLibrary.All.Count, seeded.Count);
        Assert.All(seeded, s => Assert.True(s.IsSystem && s.Status == ScenarioStatus.Published));

        await using var asAdmin = await db.AsAsync(admin);
        var found = await asAdmin.Get<ScenarioQueries>().SearchAsync(new ScenarioQuery("whatsapp"));
        Assert.True(found.Total >= 1);
    }

    [Fact]
    public async Task Seeding_reads_only_the_library_keys_and_slugs_however_many_scenarios_an_organisation_has()
    {
        var org = await db.CreateOrganisationAsync("Acme");
        // 300 scenarios of the organisation's own; two of them use the first template's slug and its "-2".
        var slug = ScenarioLibrary.All[0].Document.Slug;
        await using (var context = await db.OpenUnfilteredAsync())
        {
            for (var i = 0; i < 300; i++)
                context.Scenarios.Add(new Scenario
                {
                    OrganisationId = org.Id, CreatedById = org.ContentManager.Id, Title = $"Own scenario {i}",
                    Slug = i switch { 0 => slug, 1 => slug + "-2", _ => $"own-scenario-{i}" },
                });
            await context.SaveChangesAsync();
        }

        using (var sql = db.Sql.Capture())
        {
            await db.Services.SeedLibraryAsync();
            Assert.True(sql.MaxRowsRead <= ScenarioLibrary.All.Count + 1, sql.Describe());
        }
        await using (var check = await db.OpenUnfilteredAsync())
        {
            var seeded = await check.Scenarios.Where(s => s.OrganisationId == org.Id && s.IsSystem).ToListAsync();
            Assert.Equal(ScenarioLibrary.Keys.Order(), seeded.Select(s => s.TemplateKey!).Order());
            Assert.Equal(slug + "-3", seeded.Single(s => s.TemplateKey == ScenarioLibrary.All[0].Key).Slug);
        }

        using (var sql = db.Sql.Capture())
        {
            await db.Services.SeedLibraryAsync();
            Assert.True(sql.MaxRowsRead <= 2, sql.Describe()); // the organisation has every template: nothing to read
        }
        await using (var check = await db.OpenUnfilteredAsync())
            Assert.Equal(300 + ScenarioLibrary.All.Count, await check.Scenarios.CountAsync(s => s.OrganisationId == org.Id));
    }

    [Fact]
    public async Task Seeding_walks_the_organisations_a_batch_at_a_time_and_skips_those_that_have_the_library()
    {
        var complete = await db.CreateOrganisationAsync("Complete");
        await using (var context = await db.OpenUnfilteredAsync())
        {
            await db.Services.GetRequiredService<ScenarioLibrary>().SeedAsync(context, complete.Id, complete.Admin.Id);
            context.Organisations.AddRange(Enumerable.Range(0, 12).Select(i => new Organisation { Name = $"Organisation {i}" }));
            await context.SaveChangesAsync();
        }

        using (var sql = db.Sql.Capture())
        {
            await db.Services.SeedLibraryAsync(batch: 5, CancellationToken.None);
            Assert.True(sql.MaxRowsRead <= 6, sql.Describe()); // a batch of 5 organisations at most
        }
        await using var check = await db.OpenUnfilteredAsync();
        var perOrganisation = await check.Scenarios.Where(s => s.IsSystem).GroupBy(s => s.OrganisationId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(13, perOrganisation.Count);
        Assert.All(perOrganisation, n => Assert.Equal(ScenarioLibrary.All.Count, n));
    }

    [Fact]
    public async Task System_scenarios_are_read_and_duplicated_by_everyone_but_changed_by_admins_only()
    {
        var org = await db.CreateOrganisationAsync("Acme");
        await using (var context = await db.OpenUnfilteredAsync())
            await db.Services.GetRequiredService<ScenarioLibrary>().SeedAsync(context, org.Id, org.Admin.Id);

        int templateId;
        await using (var asLearner = await db.AsAsync(org.Learner))
        {
            var templates = await asLearner.Get<ScenarioQueries>().ListTemplatesAsync();
            Assert.Equal(ScenarioLibrary.All.Count, templates.Count);
            templateId = templates[0].Id;
            await asLearner.Get<ScenarioQueries>().GetAsync(templateId);
        }

        await using (var asCreator = await db.AsAsync(org.ContentManager))
        {
            var scenarios = asCreator.Scenarios();
            var details = await scenarios.Queries.GetAsync(templateId);
            Assert.False(details.Actions.CanEdit);
            var ex = await Assert.ThrowsAsync<ForbiddenException>(() =>
                scenarios.Commands.UpdateAsync(templateId, details.Document, details.Visibility, details.Revision));
            Assert.Contains("Duplicate it", ex.Message);
            var copyId = await scenarios.Commands.DuplicateAsync(templateId);
            var copy = await scenarios.Queries.GetAsync(copyId);
            Assert.False(copy.IsSystem);
            Assert.True(copy.Actions.CanEdit);
        }

        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            var scenarios = asAdmin.Scenarios();
            var details = await scenarios.Queries.GetAsync(templateId);
            details.Document.XpReward = 250;
            await scenarios.Commands.UpdateAsync(templateId, details.Document, details.Visibility, details.Revision);
            Assert.Equal(250, (await scenarios.Queries.GetAsync(templateId)).Document.XpReward);
        }
    }
}

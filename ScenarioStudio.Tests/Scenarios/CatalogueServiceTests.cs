using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Catalogue;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Scenarios.Personas;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>
/// Issue 19.5, "Public means something": the shared catalogue lists other organisations' public, published scenarios (their
/// live version), attributed, and any organisation's creators duplicate them into their own library as private drafts.
/// Acme (the base class's organisation) reads; Globex shares.
/// </summary>
public sealed class CatalogueServiceTests : OrganisationTestBase
{
    private TestOrganisation globex = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        globex = await db.CreateOrganisationAsync("Globex");
    }

    private async Task<T> AsAsync<T>(ScenarioStudio.Account.ApplicationUser user, Func<AsUser, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope);
    }

    private Task<CatalogueResults> ListAsync(ScenarioStudio.Account.ApplicationUser user, CatalogueQuery? query = null) =>
        AsAsync(user, s => s.Get<ScenarioCatalogue>().ListAsync(query ?? new CatalogueQuery()));

    /// <summary>A scenario of <paramref name="owner"/>'s organisation, published unless <paramref name="publish"/> is false.</summary>
    private Task<int> ScenarioAsync(TestOrganisation owner, string title, Visibility visibility, bool publish = true,
        ScenarioDomain domain = ScenarioDomain.Support, Action<ScenarioDocument>? change = null) =>
        AsAsync(owner.Admin, async s =>
        {
            var doc = ScenarioSamples.Publishable(title, domain);
            change?.Invoke(doc);
            var id = await s.Scenarios().Commands.CreateAsync(doc, visibility);
            if (publish) await s.Scenarios().Lifecycle.PublishAsync(id);
            return id;
        });

    [Fact]
    public async Task Only_other_organisations_public_published_scenarios_are_listed_with_their_organisation()
    {
        var shared = await ScenarioAsync(globex, "Refund outside the window", Visibility.Public);
        await ScenarioAsync(globex, "Private refund call", Visibility.Private);
        await ScenarioAsync(globex, "Organisation refund call", Visibility.Organisation);
        await ScenarioAsync(globex, "Draft refund call", Visibility.Public, publish: false);
        var archived = await ScenarioAsync(globex, "Archived refund call", Visibility.Public);
        await AsAsync(globex.Admin, async s => { await s.Scenarios().Lifecycle.ArchiveAsync(archived); return 0; });
        var library = await ScenarioAsync(globex, "Library refund call", Visibility.Public);
        await using (var write = await db.OpenUnfilteredAsync())
            await write.Scenarios.Where(s => s.Id == library).ExecuteUpdateAsync(u => u.SetProperty(s => s.IsSystem, true));
        // Acme's own public scenario is in Acme's library, not in its catalogue; Globex sees it in theirs.
        var acmes = await ScenarioAsync(org, "Acme refund call", Visibility.Public);

        foreach (var role in new[] { OrgRole.Admin, OrgRole.ContentManager })
        {
            var seen = await ListAsync(org.Members[role]);
            var row = Assert.Single(seen.Rows);
            Assert.Equal((shared, "Refund outside the window", "Globex", 1), (row.Id, row.Title, row.OrganisationName, seen.Total));
            Assert.Equal(ScenarioDomain.Support, row.Domain);
            Assert.Equal(3, row.PhaseCount);
        }
        var theirs = await ListAsync(globex.ContentManager);
        Assert.Equal([(acmes, "Acme")], theirs.Rows.Select(r => (r.Id, r.OrganisationName)));

        // Words search the same scenarios only: every title here says "refund".
        Assert.Equal([shared], (await ListAsync(org.ContentManager, new CatalogueQuery("refund"))).Rows.Select(r => r.Id));
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery("private"))).Rows);
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery("archived refund"))).Rows);
        Assert.Equal([shared], (await ListAsync(org.ContentManager, new CatalogueQuery("window", ScenarioDomain.Support))).Rows.Select(r => r.Id));
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery("window", ScenarioDomain.Sales))).Rows);
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery(null, ScenarioDomain.Sales))).Rows);
    }

    [Fact]
    public async Task The_catalogue_shows_the_live_version_never_a_pending_change()
    {
        var shared = await ScenarioAsync(globex, "Refund outside the window", Visibility.Public);
        // A change waits beside the published scenario: a new title, and made private.
        await AsAsync(globex.ContentManager, async s =>
        {
            var details = await s.Scenarios().Queries.GetAsync(shared);
            details.Document.Title = "Unreviewed new title";
            return await s.Scenarios().Commands.UpdateAsync(shared, details.Document, Visibility.Private, details.Revision);
        });
        // A draft, never published, made public: not listed (the other test), and its title is not searchable here.
        Assert.Equal(["Refund outside the window"], (await ListAsync(org.ContentManager)).Rows.Select(r => r.Title));
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery("unreviewed"))).Rows);
        var entry = await AsAsync(org.ContentManager, s => s.Get<ScenarioCatalogue>().GetAsync(shared));
        Assert.Equal(("Refund outside the window", "Globex", 1), (entry.Document.Title, entry.OrganisationName, entry.LiveVersion));
    }

    [Fact]
    public async Task A_scenario_outside_the_catalogue_is_refused_by_id_to_preview_and_to_duplicate()
    {
        var hidden = new[]
        {
            await ScenarioAsync(globex, "Private call", Visibility.Private),
            await ScenarioAsync(globex, "Organisation call", Visibility.Organisation),
            await ScenarioAsync(globex, "Draft call", Visibility.Public, publish: false),
            int.MaxValue,
        };
        foreach (var id in hidden)
        {
            var preview = await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Admin, s => s.Get<ScenarioCatalogue>().GetAsync(id)));
            Assert.Equal(ScenarioAccess.NotVisible, preview.Message);
            await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Admin, s => s.Get<ScenarioCatalogue>().DuplicateAsync(id)));
        }
        // Nor does the ordinary duplicate read across organisations.
        var shared = await ScenarioAsync(globex, "Shared call", Visibility.Public);
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Admin, s => s.Scenarios().Commands.DuplicateAsync(shared)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.Admin, s => s.Scenarios().Queries.GetAsync(shared)));
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Scenarios.AnyAsync(s => s.OrganisationId == org.Id));
    }

    [Fact]
    public async Task A_suspended_organisations_scenarios_leave_the_catalogue_until_it_is_resumed()
    {
        var shared = await ScenarioAsync(globex, "Refund outside the window", Visibility.Public);
        await SuspendAsync(globex, true);
        Assert.Empty((await ListAsync(org.ContentManager)).Rows);
        Assert.Empty((await ListAsync(org.ContentManager, new CatalogueQuery("refund"))).Rows);
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.ContentManager, s => s.Get<ScenarioCatalogue>().GetAsync(shared)));
        await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(org.ContentManager, s => s.Get<ScenarioCatalogue>().DuplicateAsync(shared)));

        await SuspendAsync(globex, false);
        Assert.Equal([shared], (await ListAsync(org.ContentManager)).Rows.Select(r => r.Id));
    }

    private async Task SuspendAsync(TestOrganisation which, bool suspended)
    {
        await using var write = await db.OpenUnfilteredAsync();
        var at = suspended ? db.Clock.GetUtcNow() : (DateTimeOffset?)null;
        await write.Organisations.Where(o => o.Id == which.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.SuspendedAt, at));
    }

    [Fact]
    public async Task Roles_that_do_not_create_scenarios_are_refused_the_catalogue()
    {
        var shared = await ScenarioAsync(globex, "Refund outside the window", Visibility.Public);
        foreach (var role in new[] { OrgRole.Learner, OrgRole.Manager, OrgRole.Reviewer })
        {
            var user = org.Members[role];
            await Assert.ThrowsAsync<ForbiddenException>(() => ListAsync(user));
            await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(user, s => s.Get<ScenarioCatalogue>().GetAsync(shared)));
            await Assert.ThrowsAsync<ForbiddenException>(() => AsAsync(user, s => s.Get<ScenarioCatalogue>().DuplicateAsync(shared)));
        }
        await using var check = await db.OpenUnfilteredAsync();
        Assert.False(await check.Scenarios.AnyAsync(s => s.OrganisationId == org.Id));
    }

    [Fact]
    public async Task Duplicating_makes_a_private_draft_that_remembers_its_source_with_an_audit_entry_and_leaves_the_source_as_it_was()
    {
        // Globex's scenario uses a category Acme lacks and a persona picture, and its slug is taken in Acme.
        await AsAsync(globex.Admin, s => s.Get<CategoryService>().AddAsync("Warranty claims", "#3B5BDB"));
        var picture = new PersonaAvatar { OrganisationId = globex.Id, Content = [1, 2, 3], Width = 1, Height = 1, CreatedById = globex.Admin.Id };
        await using (var write = await db.OpenUnfilteredAsync())
        {
            write.PersonaAvatars.Add(picture);
            await write.SaveChangesAsync();
        }
        var shared = await ScenarioAsync(globex, "Refund outside the window", Visibility.Public, change: d =>
        {
            d.Category = "Warranty claims";
            d.Persona.AvatarId = picture.Id;
        });
        await ScenarioAsync(org, "Refund outside the window", Visibility.Organisation, publish: false);
        var before = await SnapshotAsync(shared);

        var copyId = await AsAsync(org.ContentManager, s => s.Get<ScenarioCatalogue>().DuplicateAsync(shared));

        await using var check = await db.OpenUnfilteredAsync();
        var copy = await check.Scenarios.Include(s => s.Phases).AsNoTracking().SingleAsync(s => s.Id == copyId);
        Assert.Equal((org.Id, ScenarioStatus.Draft, Visibility.Private, org.ContentManager.Id, "Globex", false),
            (copy.OrganisationId, copy.Status, copy.Visibility, copy.CreatedById, copy.SharedFrom, copy.IsSystem));
        Assert.Equal(("Refund outside the window", "refund-outside-the-window-2", null), (copy.Title, copy.Slug, copy.LiveVersion));
        Assert.True(await check.Categories.AnyAsync(c => c.OrganisationId == org.Id && c.Name == "Warranty claims"));
        // The picture is Acme's own copy: pictures are served to their organisation only.
        var copiedPicture = await check.PersonaAvatars.AsNoTracking().SingleAsync(a => a.Id == copy.Persona.AvatarId);
        Assert.Equal(org.Id, copiedPicture.OrganisationId);
        Assert.Equal([1, 2, 3], copiedPicture.Content);
        // Everything else is the shared content, phases included.
        var expected = ScenarioJson.Clone(before.Document);
        (expected.Slug, expected.Persona.AvatarId) = (copy.Slug, copy.Persona.AvatarId);
        Assert.Equal(ScenarioJson.Serialize(expected), ScenarioJson.Serialize(copy.ToDocument()));

        var entry = await check.AuditEntries.AsNoTracking().SingleAsync(e => e.OrganisationId == org.Id && e.SubjectId == copyId.ToString());
        Assert.Equal((AuditAction.Create, "Duplicated “Refund outside the window” from Globex", org.ContentManager.Id),
            (entry.Action, entry.Summary, entry.ActorId));
        Assert.False(await check.AuditEntries.AnyAsync(e => e.OrganisationId == globex.Id && e.Summary.StartsWith("Duplicated")));

        // The source is unchanged, and Globex has no new scenario.
        var after = await SnapshotAsync(shared);
        Assert.Equal(ScenarioJson.Serialize(before.Document), ScenarioJson.Serialize(after.Document));
        Assert.Equal((before.Revision, before.UpdatedAt, before.Status, before.Visibility), (after.Revision, after.UpdatedAt, after.Status, after.Visibility));
        Assert.Equal(1, await check.Scenarios.CountAsync(s => s.OrganisationId == globex.Id && s.Title == "Refund outside the window"));

        // The builder says where the copy came from; a copy of the copy still says so.
        var details = await AsAsync(org.ContentManager, s => s.Scenarios().Queries.GetAsync(copyId));
        Assert.Equal("Globex", details.SharedFrom);
        var second = await AsAsync(org.ContentManager, s => s.Scenarios().Commands.DuplicateAsync(copyId));
        Assert.Equal("Globex", (await AsAsync(org.ContentManager, s => s.Scenarios().Queries.GetAsync(second))).SharedFrom);
    }

    private async Task<(ScenarioDocument Document, int Revision, DateTimeOffset UpdatedAt, ScenarioStatus Status, Visibility Visibility)> SnapshotAsync(int id)
    {
        await using var read = await db.OpenUnfilteredAsync();
        var s = await read.Scenarios.Include(x => x.Phases).AsNoTracking().SingleAsync(x => x.Id == id);
        return (s.ToDocument(), s.Revision, s.UpdatedAt, s.Status, s.Visibility);
    }

    [Fact]
    public async Task The_catalogue_pages_newest_published_first_and_caps_its_count()
    {
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await ScenarioAsync(globex, $"Shared call number {i}", Visibility.Public));
            db.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var first = await ListAsync(org.ContentManager, new CatalogueQuery(PageSize: 2));
        var third = await ListAsync(org.ContentManager, new CatalogueQuery(Page: 2, PageSize: 2));
        Assert.Equal((5, false), (first.Total, first.TotalIsCapped));
        Assert.Equal([ids[4], ids[3]], first.Rows.Select(r => r.Id));
        Assert.Equal([ids[0]], third.Rows.Select(r => r.Id));
        Assert.Equal(2, (await ListAsync(org.ContentManager, new CatalogueQuery("call", PageSize: 2))).Rows.Count);
    }

    [Fact]
    [Trait("Engine", "Sqlite")] // SQLite's query plans; PostgreSQL's planner chooses by statistics
    public async Task The_catalogue_reads_public_published_scenarios_through_its_own_index()
    {
        await ScenarioAsync(globex, "Refund outside the window", Visibility.Public);
        foreach (var domain in new ScenarioDomain?[] { null, ScenarioDomain.Support })
        {
            using var sql = db.Sql.Capture();
            await ListAsync(org.ContentManager, new CatalogueQuery(null, domain));
            var queries = sql.Commands.Where(c => c.Contains("FROM \"Scenarios\"", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(queries);
            foreach (var query in queries)
            {
                var plan = await PlanAsync(query);
                Assert.Contains(plan, step => step.Contains("IX_Scenarios_Catalogue", StringComparison.Ordinal));
                // Scanning the filtered index is reading the catalogue itself; the table and a sort are never read whole.
                Assert.True(plan.All(step => step != "SCAN s" && !step.Contains("TEMP B-TREE", StringComparison.Ordinal)),
                    string.Join(" | ", plan) + "\n" + query);
            }
        }
    }

    private async Task<List<string>> PlanAsync(string sql)
    {
        await using var context = await db.OpenUnfilteredAsync();
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"@[A-Za-z_0-9]+").Select(m => m.Value).Distinct())
        {
            object value = name.Contains("Organisation", StringComparison.OrdinalIgnoreCase) ? org.Id.ToString().ToUpperInvariant() : 1L;
            command.Parameters.AddWithValue(name, value);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return plan;
    }
}

using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

/// <summary>Categories managed by Admins (issue 16.7): the list, rename everywhere, delete and archive, the rule, the start-up migration.</summary>
public sealed class CategoryServiceTests : OrganisationTestBase
{
    private async Task<T> As<T>(ApplicationUser user, Func<AsUser, Task<T>> call)
    {
        await using var scope = await db.AsAsync(user);
        return await call(scope);
    }

    private Task<T> AsAdmin<T>(Func<CategoryService, Task<T>> call) => As(org.Admin, s => call(s.Get<CategoryService>()));

    private Task<int> CreateAsync(string title, string category) => As(org.ContentManager, s =>
    {
        var doc = ScenarioSamples.Publishable(title);
        doc.Category = category;
        return s.Scenarios().Commands.CreateAsync(doc);
    });

    private async Task<CategoryInfo> ByNameAsync(string name) =>
        (await AsAdmin(c => c.ListAsync(withUsage: true))).Single(c => c.Name == name);

    [Fact]
    public async Task A_new_organisation_has_the_domain_and_library_categories()
    {
        var names = (await As(org.Learner, s => s.Get<CategoryService>().ListAsync())).Select(c => c.Name).ToList();
        Assert.Equal(CategoryDefaults.Names, names);
        Assert.Contains("Objection handling", names);
        Assert.Contains("Restaurant", names);
        Assert.All(ScenarioLibrary.All, t => Assert.Contains(t.Document.Category, names));
    }

    [Fact]
    public async Task An_admin_adds_colours_reorders_archives_and_deletes_an_unused_category_and_each_change_is_audited()
    {
        var added = await AsAdmin(c => c.AddAsync("  Retention\u0007  calls ", "#c2255c"));
        Assert.Equal(("Retention calls", "#C2255C", false), (added.Name, added.Colour, added.IsArchived));
        Assert.Equal(added.Id, (await AsAdmin(c => c.ListAsync()))[^1].Id);

        var duplicate = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdmin(c => c.AddAsync("retention CALLS", "#1971C2")));
        Assert.Contains("already a category", duplicate.Errors["Name"][0]);
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdmin(c => c.AddAsync("X", "#1971C2")));
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdmin(c => c.AddAsync("Valid name", "red; background:url(x)")));

        await AsAdmin(c => c.SetColourAsync(added.Id, "#2B8A3E"));
        var moved = await AsAdmin(c => c.MoveAsync(added.Id, -1));
        Assert.Equal(added.Id, moved[^2].Id);
        Assert.Equal(Enumerable.Range(0, moved.Count), moved.Select(c => c.Position));
        await AsAdmin(c => c.SetArchivedAsync(added.Id, true));
        Assert.True((await ByNameAsync("Retention calls")).IsArchived);
        await AsAdmin(c => c.SetArchivedAsync(added.Id, false));
        await AsAdmin(async c => { await c.DeleteAsync(added.Id); return 0; });
        Assert.DoesNotContain(await AsAdmin(c => c.ListAsync()), c => c.Id == added.Id);

        await using var system = await db.OpenUnfilteredAsync();
        var entries = await system.AuditEntries.Where(e => e.SubjectKind == AuditSubjects.Category).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync();
        Assert.Equal(
        [
            "Added the category “Retention calls”", "Changed the colour of the category “Retention calls”",
            $"Moved the category “Retention calls” to place {moved.Count - 1}", "Archived the category “Retention calls”",
            "Restored the category “Retention calls”", "Deleted the category “Retention calls”",
        ], entries);
    }

    [Fact]
    public async Task Renaming_a_category_renames_it_on_scenarios_and_pending_drafts_in_one_audited_change()
    {
        var draftOnly = await CreateAsync("Draft in billing", "Billing");
        var published = await CreateAsync("Published in billing", "billing"); // matched whatever its case, stored as the list spells it
        await As(org.Admin, s => s.Scenarios().Lifecycle.PublishAsync(published));
        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(published));
        details.Document.Description = "Pending change";
        await As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(published, details.Document, details.Visibility, details.Revision));
        var other = await CreateAsync("Elsewhere", "Refunds");
        var billing = await ByNameAsync("Billing");

        await AsAdmin(c => c.RenameAsync(billing.Id, "Billing and invoices"));

        await using var system = await db.OpenUnfilteredAsync();
        var categories = await system.Scenarios.Where(s => s.Id == draftOnly || s.Id == published || s.Id == other)
            .OrderBy(s => s.Id).Select(s => s.Category).ToListAsync();
        Assert.Equal(["Billing and invoices", "Billing and invoices", "Refunds"], categories);
        var draft = await system.ScenarioDrafts.SingleAsync(d => d.ScenarioId == published);
        Assert.Equal("Billing and invoices", draft.Document.Category);
        Assert.Equal("Pending change", draft.Document.Description);
        Assert.Equal(3 + 0, (await ByNameAsync("Billing and invoices")).InUse); // two scenarios and the pending draft
        var entry = await system.AuditEntries.Where(e => e.SubjectKind == AuditSubjects.Category).OrderBy(e => e.Id).LastAsync();
        Assert.Equal("Renamed the category “Billing” to “Billing and invoices” in 2 scenarios and 1 pending draft", entry.Summary);
        Assert.Equal([new FieldChange("Name", "Billing", "Billing and invoices")], entry.Changes);

        // A case-only rename is allowed; taking another category's name is not.
        await AsAdmin(c => c.RenameAsync(billing.Id, "billing and invoices"));
        var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdmin(c => c.RenameAsync(billing.Id, "REFUNDS")));
        Assert.Contains("already a category called “REFUNDS”", taken.Errors["Name"][0]);
    }

    [Fact]
    public async Task A_category_in_use_cannot_be_deleted_only_archived_and_its_scenarios_keep_it_while_new_ones_cannot_pick_it()
    {
        var id = await CreateAsync("Refund call", "Refunds");
        var refunds = await ByNameAsync("Refunds");
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdmin(async c => { await c.DeleteAsync(refunds.Id); return 0; }));
        Assert.Equal("“Refunds” is used by 1 scenario and 0 pending drafts, so it cannot be deleted. Archive it instead: those scenarios keep it, " +
            "and it is no longer offered for new ones.", refused.Errors["Category"][0]);

        await AsAdmin(c => c.SetArchivedAsync(refunds.Id, true));
        // The scenario keeps its archived category through an edit.
        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(id));
        details.Document.Title = "Refund call, edited";
        await As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(id, details.Document, details.Visibility, details.Revision));
        // A new scenario cannot pick it, nor can another scenario move into it.
        var fresh = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("New refund call", "Refunds"));
        Assert.Equal("“Refunds” is archived: choose one of your organisation's current categories.", fresh.Errors["Category"][0]);
        var otherId = await CreateAsync("Billing call", "Billing");
        var other = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(otherId));
        other.Document.Category = "Refunds";
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(otherId, other.Document, other.Visibility, other.Revision)));
    }

    [Fact]
    public async Task A_category_outside_the_list_is_refused_at_the_category_field()
    {
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => CreateAsync("Mystery", "Made up on the spot"));
        Assert.Equal([CategoryService.NotInList], refused.Errors["Category"]);
        Assert.Equal("Choose one of your organisation's categories.", CategoryService.NotInList);
    }

    [Fact]
    public async Task Only_admins_manage_categories_and_every_member_reads_them()
    {
        var billing = await ByNameAsync("Billing");
        foreach (var (role, member) in org.Members)
        {
            var may = role == ScenarioStudio.Organisations.OrgRole.Admin;
            await using var scope = await db.AsAsync(member);
            var service = scope.Get<CategoryService>();
            Assert.NotEmpty(await service.ListAsync());
            Assert.Equal(may, await Refusals.ServedAsync(() => service.SetColourAsync(billing.Id, "#495057")));
            Assert.Equal(may, await Refusals.ServedAsync(() => service.AddAsync($"New for {role}", "#495057")));
            if (!may)
            {
                await Assert.ThrowsAsync<ForbiddenException>(() => service.RenameAsync(billing.Id, "Renamed"));
                await Assert.ThrowsAsync<ForbiddenException>(() => service.SetArchivedAsync(billing.Id, true));
                await Assert.ThrowsAsync<ForbiddenException>(() => service.MoveAsync(billing.Id, 1));
                await Assert.ThrowsAsync<ForbiddenException>(() => service.DeleteAsync(billing.Id));
            }
        }
        Assert.Equal("Billing", (await ByNameAsync("Billing")).Name);
    }

    [Fact]
    public async Task Organisations_see_and_change_only_their_own_categories()
    {
        var other = await db.CreateOrganisationAsync("Globex");
        var ours = await AsAdmin(c => c.AddAsync("Only at Acme", "#1971C2"));
        await using var theirAdmin = await db.AsAsync(other.Admin);
        var theirs = theirAdmin.Get<CategoryService>();
        Assert.DoesNotContain(await theirs.ListAsync(), c => c.Name == "Only at Acme");
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.RenameAsync(ours.Id, "Taken over"));
        await Assert.ThrowsAsync<ForbiddenException>(() => theirs.DeleteAsync(ours.Id));
        // Acme's category is not one of Globex's: a Globex scenario cannot use it.
        var doc = ScenarioSamples.Publishable("Globex scenario");
        doc.Category = "Only at Acme";
        await Assert.ThrowsAsync<ValidationFailedException>(() => theirAdmin.Scenarios().Commands.CreateAsync(doc));
        // Renaming Acme's Billing leaves Globex's Billing scenarios alone.
        var doc2 = ScenarioSamples.Publishable("Globex billing");
        doc2.Category = "Billing";
        var globexScenario = await theirAdmin.Scenarios().Commands.CreateAsync(doc2);
        await AsAdmin(c => c.RenameAsync((ByNameAsync("Billing").Result).Id, "Acme billing"));
        await using var system = await db.OpenUnfilteredAsync();
        Assert.Equal("Billing", await system.Scenarios.Where(s => s.Id == globexScenario).Select(s => s.Category).SingleAsync());
    }

    [Fact]
    public async Task Start_up_adds_every_free_text_category_in_use_to_its_organisations_list_once()
    {
        var id = await CreateAsync("Legacy", "Billing");
        var published = await CreateAsync("Legacy published", "Refunds");
        await As(org.Admin, s => s.Scenarios().Lifecycle.PublishAsync(published));
        var details = await As(org.ContentManager, s => s.Scenarios().Queries.GetAsync(published));
        await As(org.ContentManager, s => s.Scenarios().Commands.UpdateAsync(published, details.Document, details.Visibility, details.Revision));
        // As before the list existed: free text on scenarios and drafts, an organisation with no list at all.
        var empty = await db.CreateOrganisationAsync("Initech");
        await using (var system = await db.OpenUnfilteredAsync())
        {
            await system.Scenarios.Where(s => s.Id == id).ExecuteUpdateAsync(set => set.SetProperty(s => s.Category, "Old  free text"));
            var draft = await system.ScenarioDrafts.SingleAsync(d => d.ScenarioId == published);
            var doc = ScenarioJson.Clone(draft.Document);
            doc.Category = "Draft-only category";
            draft.Document = doc;
            await system.SaveChangesAsync();
            await system.Categories.Where(c => c.OrganisationId == empty.Id).ExecuteDeleteAsync();
            await system.Categories.Where(c => c.OrganisationId == org.Id && c.Name == "Billing").ExecuteDeleteAsync();
        }

        await CategoryService.SyncAsync(db.Services);
        await CategoryService.SyncAsync(db.Services);

        await using var after = await db.OpenUnfilteredAsync();
        var acme = await after.Categories.Where(c => c.OrganisationId == org.Id).OrderBy(c => c.Position).Select(c => c.Name).ToListAsync();
        Assert.Equal(CategoryDefaults.Names.Where(n => n != "Billing").Concat(["Draft-only category", "Old  free text"]), acme);
        Assert.Equal(CategoryDefaults.Names, await after.Categories.Where(c => c.OrganisationId == empty.Id).OrderBy(c => c.Position)
            .Select(c => c.Name).ToListAsync());
        Assert.Equal(acme.Count, acme.Distinct().Count());
    }
}

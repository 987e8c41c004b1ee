using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Categories;

/// <summary>A category as the pickers, filters and the Admins' page show it; <see cref="InUse"/> counts scenarios and pending drafts.</summary>
public sealed record CategoryInfo(int Id, string Name, string Colour, int Position, bool IsArchived, int InUse = 0);

/// <summary>
/// The organisation's category list: every member reads it; Admins add, rename, colour, reorder, archive and delete.
/// Also the one place that decides whether a scenario's category is acceptable (<see cref="CheckScenarioCategoryAsync"/>).
/// </summary>
public sealed partial class CategoryService(CurrentUser currentUser, TenantDb tenantDb, AuditTrail audit, TimeProvider clock)
{
    public const string NotInList = "Choose one of your organisation's categories.";

    /// <summary>The list in order, archived ones included (flagged); with <paramref name="withUsage"/>, how many scenarios use each.</summary>
    public async Task<IReadOnlyList<CategoryInfo>> ListAsync(bool withUsage = false, CancellationToken ct = default)
    {
        var caller = await currentUser.GetAsync(ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var list = await db.Set<Category>().AsNoTracking().OrderBy(c => c.Position).ThenBy(c => c.Name)
            .Select(c => new CategoryInfo(c.Id, c.Name, c.Colour, c.Position, c.IsArchived, 0)).ToListAsync(ct);
        if (!withUsage) return list;
        var counts = await UsageAsync(db, caller.OrganisationId, ct);
        return list.Select(c => c with { InUse = counts.GetValueOrDefault(c.Name) }).ToList();
    }

    public async Task<CategoryInfo> AddAsync(string name, string colour, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageCategories, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        name = CleanName(name);
        colour = colour.Trim().ToUpperInvariant();
        var errors = CheckName(name).Check(ColourPattern().IsMatch(colour), "Colour", "Use a hex colour such as #1971C2.");
        await CheckUniqueAsync(db, name, null, errors, ct);
        errors.ThrowIfAny();
        var position = await db.Set<Category>().Select(c => (int?)c.Position).MaxAsync(ct) is { } max ? max + 1 : 0;
        var category = new Category
        {
            OrganisationId = caller.OrganisationId, Name = name, Colour = colour, Position = position, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(category);
        await db.SaveChangesAsync(ct);
        audit.Record(db, caller, AuditAction.Create, Subject(category), $"Added the category “{name}”",
            AuditTrail.Diff(("Name", null, name), ("Colour", null, colour)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ToInfo(category);
    }

    /// <summary>
    /// Renames the category and, in the same transaction, every scenario and pending draft that uses it. Published
    /// versions keep the name they were published with: they are history.
    /// </summary>
    public async Task<CategoryInfo> RenameAsync(int id, string name, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageCategories, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var category = await FindAsync(db, id, ct);
        name = CleanName(name);
        var errors = CheckName(name);
        await CheckUniqueAsync(db, name, id, errors, ct);
        errors.ThrowIfAny();
        var before = category.Name;
        if (before == name) return ToInfo(category);
        category.Name = name;
        var scenarios = await db.Scenarios.Where(s => EF.Functions.Collate(s.Category, SqlDialect.Of(db.Database).CaseInsensitiveCollation) == before)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Category, name), ct);
        var drafts = await DraftsInAsync(db, before, ct);
        foreach (var draft in drafts)
        {
            var doc = ScenarioJson.Clone(draft.Document);
            doc.Category = name;
            draft.Document = doc;
        }
        audit.Record(db, caller, AuditAction.Update, Subject(category),
            $"Renamed the category “{before}” to “{name}” in {Count(scenarios, "scenario")} and {Count(drafts.Count, "pending draft")}",
            AuditTrail.Diff(("Name", before, name)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ToInfo(category);
    }

    public async Task<CategoryInfo> SetColourAsync(int id, string colour, CancellationToken ct = default)
    {
        colour = colour.Trim().ToUpperInvariant();
        if (!ColourPattern().IsMatch(colour)) throw new ValidationFailedException("Colour", "Use a hex colour such as #1971C2.");
        return await ChangeAsync(id, c => c.Colour = colour, c => $"Changed the colour of the category “{c.Name}”", ct);
    }

    /// <summary>An archived category stays on the scenarios that have it but is no longer offered for new picks.</summary>
    public Task<CategoryInfo> SetArchivedAsync(int id, bool archived, CancellationToken ct = default) =>
        ChangeAsync(id, c => c.IsArchived = archived, c => (archived ? "Archived" : "Restored") + $" the category “{c.Name}”", ct);

    /// <summary>Moves the category <paramref name="by"/> places (−1 up, +1 down) in the list; the ends stay put.</summary>
    public async Task<IReadOnlyList<CategoryInfo>> MoveAsync(int id, int by, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageCategories, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var all = await db.Set<Category>().OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(ct);
        var from = all.FindIndex(c => c.Id == id);
        if (from < 0) throw new ForbiddenException("This category does not exist in your organisation.");
        var to = Math.Clamp(from + by, 0, all.Count - 1);
        if (to != from)
        {
            var moved = all[from];
            all.RemoveAt(from);
            all.Insert(to, moved);
            for (var i = 0; i < all.Count; i++) all[i].Position = i;
            audit.Record(db, caller, AuditAction.Update, Subject(moved), $"Moved the category “{moved.Name}” to place {to + 1}",
                AuditTrail.Diff(("Position", from + 1, to + 1)));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return all.Select(ToInfo).ToList();
    }

    /// <summary>Deletes a category no scenario or pending draft uses; one in use can only be archived.</summary>
    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageCategories, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var category = await FindAsync(db, id, ct);
        var scenarios = await db.Scenarios.CountAsync(s => EF.Functions.Collate(s.Category, SqlDialect.Of(db.Database).CaseInsensitiveCollation) == category.Name, ct);
        var drafts = (await DraftsInAsync(db, category.Name, ct)).Count;
        if (scenarios + drafts > 0)
            throw new ValidationFailedException("Category",
                $"“{category.Name}” is used by {Count(scenarios, "scenario")} and {Count(drafts, "pending draft")}, so it cannot be deleted. " +
                "Archive it instead: " +
                "those scenarios keep it, and it is no longer offered for new ones.");
        db.Remove(category);
        audit.Record(db, caller, AuditAction.Delete, Subject(category), $"Deleted the category “{category.Name}”");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The rule "a scenario's category is one of its organisation's categories", in one place: every service that writes
    /// a scenario's content calls it with a context scoped to the organisation. <paramref name="current"/> is the category
    /// the content had before (null for a new scenario): a scenario may keep an archived category, but no new pick may
    /// choose one. The document gets the list's spelling of the name (a pick is matched whatever its case).
    /// </summary>
    public static async Task CheckScenarioCategoryAsync(AppDbContext db, ScenarioDocument doc, string? current, FieldErrors errors,
        CancellationToken ct)
    {
        var name = doc.Category.Trim();
        if (name.Length == 0) return; // ScenarioValidator asks for one
        var found = await db.Set<Category>().AsNoTracking().Where(c => c.Name == name).Select(c => new { c.Name, c.IsArchived })
            .SingleOrDefaultAsync(ct);
        if (found is null)
            errors.Add("Category", NotInList);
        else if (found.IsArchived && !string.Equals(found.Name, current?.Trim(), StringComparison.OrdinalIgnoreCase))
            errors.Add("Category", $"“{found.Name}” is archived: choose one of your organisation's current categories.");
        else
            doc.Category = found.Name;
    }

    /// <summary>
    /// Adds the names the organisation's list lacks (whatever their case), each at the end with the next colour of the
    /// palette. Used for a new organisation's defaults, the library's templates and start-up's <see cref="SyncAsync"/>.
    /// </summary>
    public static async Task EnsureAsync(AppDbContext db, Guid organisationId, IEnumerable<string> names, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Set<Category>().IgnoreQueryFilters().Where(c => c.OrganisationId == organisationId)
            .Select(c => new { c.Name, c.Position }).ToListAsync(ct);
        var have = existing.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var next = existing.Count == 0 ? 0 : existing.Max(e => e.Position) + 1;
        var added = false;
        // Kept as the scenarios spell them (only trimmed), so each scenario's text matches its category exactly.
        foreach (var name in names.Select(n => n.Trim()).Where(n => n.Length is >= 1 and <= Category.MaxName))
        {
            if (!have.Add(name)) continue;
            db.Add(new Category
            {
                OrganisationId = organisationId, Name = name, Colour = CategoryDefaults.Palette[next % CategoryDefaults.Palette.Length],
                Position = next++, CreatedAt = now,
            });
            added = true;
        }
        if (added) await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Start-up: every category a scenario or a pending draft uses is in its organisation's list (categories were free
    /// text before the list existed), and an organisation without any category gets the defaults. Reads only the
    /// (organisation, category) pairs missing from the lists, so once done it adds nothing.
    /// </summary>
    public static async Task SyncAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = await services.GetRequiredService<TenantDb>().OpenAsSystemAsync(ct);
        var missing = await SqlDialect.Of(db.Database).MissingCategories(db).ToListAsync(ct);
        var empty = await db.Organisations.Where(o => !db.Set<Category>().Any(c => c.OrganisationId == o.Id)).Select(o => o.Id).ToListAsync(ct);
        foreach (var org in missing.Select(m => m.OrganisationId).Concat(empty).Distinct())
        {
            var names = empty.Contains(org) ? CategoryDefaults.Names : [];
            await EnsureAsync(db, org, names.Concat(missing.Where(m => m.OrganisationId == org).Select(m => m.Name).Order()), now, ct);
        }
    }

    private async Task<CategoryInfo> ChangeAsync(int id, Action<Category> change, Func<Category, string> summary, CancellationToken ct)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageCategories, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var category = await FindAsync(db, id, ct);
        var (colour, archived) = (category.Colour, category.IsArchived);
        change(category);
        var changes = AuditTrail.Diff(("Colour", colour, category.Colour), ("Archived", archived ? "yes" : "no", category.IsArchived ? "yes" : "no"));
        if (changes.Count > 0)
        {
            audit.Record(db, caller, AuditAction.Update, Subject(category), summary(category), changes);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return ToInfo(category);
    }

    /// <summary>How many scenarios and pending drafts use each category, by name whatever its case.</summary>
    private static async Task<Dictionary<string, int>> UsageAsync(AppDbContext db, Guid organisationId, CancellationToken ct)
    {
        var scenarios = await db.Scenarios.GroupBy(s => s.Category).Select(g => new { Name = g.Key, Count = g.Count() }).ToListAsync(ct);
        var drafts = await SqlDialect.Of(db.Database).DraftCategories(db, organisationId).ToListAsync(ct);
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in scenarios) counts[s.Name.Trim()] = counts.GetValueOrDefault(s.Name.Trim()) + s.Count;
        foreach (var d in drafts.Where(d => d is not null)) counts[d.Trim()] = counts.GetValueOrDefault(d.Trim()) + 1;
        return counts;
    }

    /// <summary>The organisation's pending drafts whose document has the category (the tenant filter applies on top).</summary>
    private static Task<List<ScenarioDraft>> DraftsInAsync(AppDbContext db, string name, CancellationToken ct) =>
        SqlDialect.Of(db.Database).DraftsInCategory(db, name).ToListAsync(ct);

    private static async Task<Category> FindAsync(AppDbContext db, int id, CancellationToken ct) =>
        await db.Set<Category>().SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new ForbiddenException("This category does not exist in your organisation (it may have been deleted).");

    private static FieldErrors CheckName(string name) =>
        new FieldErrors().Check(name.Length is >= 2 and <= Category.MaxName, "Name", $"A category name is 2 to {Category.MaxName} characters.");

    private static async Task CheckUniqueAsync(AppDbContext db, string name, int? id, FieldErrors errors, CancellationToken ct)
    {
        if (await db.Set<Category>().AnyAsync(c => c.Name == name && c.Id != id, ct))
            errors.Add("Name", $"There is already a category called “{name}”.");
    }

    /// <summary>Trimmed, with control characters and runs of spaces taken out.</summary>
    private static string CleanName(string name) => Spaces().Replace(new string(name.Where(c => !char.IsControl(c)).ToArray()), " ").Trim();

    private static CategoryInfo ToInfo(Category c) => new(c.Id, c.Name, c.Colour, c.Position, c.IsArchived);

    private static AuditSubject Subject(Category c) => new(AuditSubjects.Category, c.Id.ToString(), c.Name);

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    [GeneratedRegex("^#[0-9A-F]{6}$")]
    private static partial Regex ColourPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Audit;

/// <summary>Issue 15.6: the audit page's service: Admins of the organisation only, filters, keyset paging, export, append-only.</summary>
public sealed class AuditLogServiceTests : OrganisationTestBase
{
    private readonly TestOrganisation[] orgs = new TestOrganisation[2];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        orgs[0] = org;
        orgs[1] = await db.CreateOrganisationAsync("Other");
    }

    /// <summary>Writes entries the way services do (AuditTrail.Record, then save), one minute apart.</summary>
    private async Task RecordAsync(TestOrganisation o, Account.ApplicationUser actor, AuditAction action, AuditSubject subject, string summary = "s",
        List<FieldChange>? changes = null)
    {
        await using var scope = await db.AsAsync(actor);
        var caller = new Caller(actor.Id, o.Id, actor.Role, actor.DisplayName);
        await using var context = await scope.Get<TenantDb>().OpenAsync(caller);
        scope.Get<AuditTrail>().Record(context, caller, action, subject, summary, changes);
        await context.SaveChangesAsync();
        db.Clock.Advance(TimeSpan.FromMinutes(1));
    }

    private static AuditSubject Member(Account.ApplicationUser u) => new(AuditSubjects.Member, u.Id, u.DisplayName);
    private static readonly AuditSubject Scenario7 = new(AuditSubjects.Scenario, "7", "Refund request");

    /// <summary>Twelve entries in Acme over twelve minutes, one in the other organisation.</summary>
    private async Task SeedAsync()
    {
        for (var i = 0; i < 4; i++)
        {
            await RecordAsync(org, org.Admin, AuditAction.RoleChange, Member(org.Learner), $"role {i}", [new("Role", "Learner", "Reviewer")]);
            await RecordAsync(org, org.ContentManager, AuditAction.Update, Scenario7, $"update {i}");
            await RecordAsync(org, org.Admin, AuditAction.Export, new AuditSubject(AuditSubjects.Report, "team-learners", "Team learners"), $"export {i}");
        }
        await RecordAsync(orgs[1], orgs[1].Admin, AuditAction.Update, Scenario7, "elsewhere");
    }

    private async Task<List<AuditRow>> AllAsync(AuditLogService service, AuditFilter filter, int size = 5)
    {
        var rows = new List<AuditRow>();
        long? before = null;
        do
        {
            var page = await service.PageAsync(filter, before, size, CancellationToken.None);
            Assert.True(page.Rows.Count <= size);
            rows.AddRange(page.Rows);
            before = page.NextBefore;
        } while (before is not null);
        return rows;
    }

    [Fact]
    public async Task Only_an_admin_of_the_organisation_reads_its_log()
    {
        await SeedAsync();
        foreach (var (role, user) in org.Members.Where(m => m.Key != OrgRole.Admin))
        {
            await using var scope = await db.AsAsync(user);
            var service = scope.Get<AuditLogService>();
            await Assert.ThrowsAsync<ForbiddenException>(() => service.PageAsync(new AuditFilter(), null, 10, CancellationToken.None));
            await Assert.ThrowsAsync<ForbiddenException>(() => service.ExportAsync(new AuditFilter()));
            await Assert.ThrowsAsync<ForbiddenException>(() => service.OptionsAsync());
        }

        // The other organisation's Admin sees their own entry only, even when asking for Acme's member or actor by id.
        await using var other = await db.AsAsync(orgs[1].Admin);
        var theirs = other.Get<AuditLogService>();
        Assert.Equal(["elsewhere"], (await AllAsync(theirs, new AuditFilter())).Select(r => r.Summary));
        Assert.Empty(await AllAsync(theirs, new AuditFilter(ActorId: org.Admin.Id)));
        Assert.Empty(await AllAsync(theirs, new AuditFilter(SubjectKind: AuditSubjects.Member, SubjectId: org.Learner.Id)));
        Assert.DoesNotContain((await theirs.OptionsAsync()).People, p => p.Id == org.Admin.Id);
    }

    [Fact]
    public async Task Filters_and_keyset_pages_return_exactly_the_matching_rows_newest_first()
    {
        var start = db.Clock.Now;
        await SeedAsync();
        await using var scope = await db.AsAsync(org.Admin);
        var service = scope.Get<AuditLogService>();

        var all = await AllAsync(service, new AuditFilter(), size: 5);
        Assert.Equal(12, all.Count);
        Assert.Equal(all.OrderByDescending(r => r.Id).Select(r => r.Id), all.Select(r => r.Id));
        Assert.Equal("export 3", all[0].Summary);

        Assert.Equal(["role 3", "role 2", "role 1", "role 0"],
            (await AllAsync(service, new AuditFilter(SubjectKind: AuditSubjects.Member, SubjectId: org.Learner.Id), 3)).Select(r => r.Summary));
        Assert.Equal(4, (await AllAsync(service, new AuditFilter(ActorId: org.ContentManager.Id))).Count);
        Assert.Equal(8, (await AllAsync(service, new AuditFilter(ActorId: org.Admin.Id))).Count);
        Assert.Equal(4, (await AllAsync(service, new AuditFilter(ActorId: org.Admin.Id, Actions: [AuditAction.Export]))).Count);

        // Several actions: merged newest first across the pages.
        var two = await AllAsync(service, new AuditFilter(Actions: [AuditAction.Export, AuditAction.RoleChange]), 3);
        Assert.Equal(8, two.Count);
        Assert.Equal(two.OrderByDescending(r => r.Id).Select(r => r.Id), two.Select(r => r.Id));
        Assert.Empty(await AllAsync(service, new AuditFilter(ActorId: org.ContentManager.Id, Actions: [AuditAction.Export])));

        // Minutes 3 to 6 (from inclusive, to exclusive): entries 3, 4, 5 and 6 of the twelve, one a minute.
        var range = await AllAsync(service, new AuditFilter(From: start.AddMinutes(3), To: start.AddMinutes(7)), 2);
        Assert.Equal(["role 2", "export 1", "update 1", "role 1"], range.Select(r => r.Summary));
        var rangeByActor = await AllAsync(service, new AuditFilter(ActorId: org.Admin.Id, From: start.AddMinutes(3), To: start.AddMinutes(7)));
        Assert.Equal(["role 2", "export 1", "role 1"], rangeByActor.Select(r => r.Summary));
        Assert.Empty(await AllAsync(service, new AuditFilter(From: start.AddDays(1))));

        var row = all.First(r => r.Action == AuditAction.RoleChange);
        Assert.Equal([new FieldChange("Role", "Learner", "Reviewer")], row.Changes);
        await Assert.ThrowsAsync<ValidationFailedException>(
            () => service.PageAsync(new AuditFilter(SubjectKind: AuditSubjects.Member), null, 10, CancellationToken.None));
    }

    [Fact]
    [Trait("Engine", "Sqlite")] // SQLite's query plans; PostgreSQL's planner chooses by statistics
    public async Task Every_filter_combination_seeks_an_index_and_never_sorts()
    {
        await SeedAsync();
        await using var scope = await db.AsAsync(org.Admin);
        var service = scope.Get<AuditLogService>();
        var from = db.Clock.Now.AddMinutes(-6);
        var to = db.Clock.Now.AddMinutes(-2);
        foreach (var actor in new[] { null, org.Admin.Id })
        foreach (var action in new AuditAction[]?[] { null, [AuditAction.Export] })
        foreach (var subject in new[] { false, true })
        foreach (var dated in new[] { false, true })
        {
            var filter = new AuditFilter(actor, action, subject ? AuditSubjects.Member : null, subject ? org.Learner.Id : null,
                dated ? from : null, dated ? to : null);
            using var sql = db.Sql.Capture();
            await service.PageAsync(filter, before: 1_000_000, size: 20, CancellationToken.None);
            var queries = sql.Commands.Where(c => c.Contains("\"AuditEntries\"", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(queries);
            foreach (var query in queries)
            {
                var plan = await PlanAsync(query);
                Assert.True(plan.All(step => !step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("TEMP B-TREE", StringComparison.Ordinal)),
                    $"{filter}: {string.Join(" | ", plan)}\n{query}");
                Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal));
                // A subject (one scenario's or member's rows) is the narrowest filter: its index is the one sought.
                if (query.Contains("\"SubjectKind\" =", StringComparison.Ordinal))
                    Assert.True(plan.Any(step => step.Contains("SubjectKind_SubjectId", StringComparison.Ordinal)),
                        $"{filter}: {string.Join(" | ", plan)}\n{query}");
            }
        }
    }

    /// <summary>EXPLAIN QUERY PLAN of a captured command, with its parameters bound to values of the right type.</summary>
    private async Task<List<string>> PlanAsync(string sql)
    {
        await using var context = await db.OpenUnfilteredAsync();
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(sql, @"@[A-Za-z_0-9]+").Select(m => m.Value).Distinct())
        {
            object value = name.Contains("Guid", StringComparison.OrdinalIgnoreCase) || name.Contains("organisation", StringComparison.OrdinalIgnoreCase)
                || name.Contains("TenantId", StringComparison.Ordinal)
                ? org.Id.ToString().ToUpperInvariant()
                : name.Contains("Actor", StringComparison.OrdinalIgnoreCase) || name.Contains("Subject", StringComparison.OrdinalIgnoreCase) ? "x" : 1L;
            command.Parameters.AddWithValue(name, value);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return plan;
    }

    [Fact]
    public async Task The_log_is_append_only_through_the_context_and_through_sql()
    {
        await SeedAsync();
        await using var context = await db.OpenUnfilteredAsync();
        var entry = await context.AuditEntries.FirstAsync();
        entry.Summary = "rewritten";
        var update = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        Assert.Contains("append-only", update.Message);
        context.ChangeTracker.Clear();

        context.AuditEntries.Remove(await context.AuditEntries.FirstAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        context.ChangeTracker.Clear();

        // The engine's own error (SQLite's or PostgreSQL's), raised by the table's triggers.
        var raw = await Assert.ThrowsAnyAsync<DbException>(() => context.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Summary" = 'x'"""));
        Assert.Contains("append-only", raw.Message);
        await Assert.ThrowsAnyAsync<DbException>(() => context.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" """));
        await Assert.ThrowsAnyAsync<DbException>(() => context.AuditEntries.ExecuteDeleteAsync());
        await Assert.ThrowsAnyAsync<DbException>(() => context.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorName, "x")));

        await using var check = await db.OpenUnfilteredAsync();
        Assert.Equal(13, await check.AuditEntries.CountAsync());
        Assert.DoesNotContain(await check.AuditEntries.Select(e => e.Summary).ToListAsync(), s => s is "rewritten" or "x");
    }

    private const string Formula = "=HYPERLINK(\"http://evil.test\",\"Click\")";

    [Fact]
    public async Task The_export_has_the_filtered_rows_and_neutralises_formulas()
    {
        await SeedAsync();
        await RecordAsync(org, org.Admin, AuditAction.Update, new AuditSubject(AuditSubjects.Scenario, "9", Formula),
            "@SUM(A1)", [new("Title", "Old", "-2+3")]);
        await using var scope = await db.AsAsync(org.Admin);
        var service = scope.Get<AuditLogService>();

        using var csv = new MemoryStream();
        await TableExport.WriteCsvAsync(await service.ExportAsync(new AuditFilter(ActorId: org.Admin.Id)), csv);
        var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("When (UTC),Who,Action,Kind,What,Summary,Changes,Address", lines[0]);
        Assert.True(lines.Length > 1, string.Join("\n", lines));
        Assert.Equal(1 + 9, lines.Length);
        Assert.Contains(",\"'=HYPERLINK(", lines[1], StringComparison.Ordinal);
        Assert.Contains(TableExport.CsvField(Formula, ColumnKind.Text), lines[1], StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(A1)\"", lines[1]);
        Assert.DoesNotContain(lines.Skip(1), l => l.Contains(",\"=", StringComparison.Ordinal) || l.Contains(",\"@", StringComparison.Ordinal));

        using var xlsx = new MemoryStream();
        await TableExport.WriteExcelAsync(await service.ExportAsync(new AuditFilter(Actions: [AuditAction.Update])), xlsx);
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(xlsx.ToArray()));
        var sheet = workbook.Worksheets.Single();
        Assert.Equal(1 + 5, sheet.LastRowUsed()!.RowNumber());
        var cell = sheet.Cell(2, 5);
        Assert.False(cell.HasFormula);
        Assert.Equal(Formula, cell.GetString());
    }
}

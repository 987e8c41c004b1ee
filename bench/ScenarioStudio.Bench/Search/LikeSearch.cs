using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Data;
using ScenarioStudio.Data.Dialects;
using ScenarioStudio.Organisations;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// The plain-scan baseline: a search as ScenarioQueries.SearchAsync runs it for a chosen order (caller lookup,
/// tenant-scoped context, filters, COUNT, ORDER BY UpdatedAt DESC, Id DESC, page of 25 with owner name and phase
/// count), with the FTS5 MATCH replaced by LIKE '%word%' over the same fields the index holds: title, description, tags
/// and the phase content. Each word must occur somewhere, as with the app's all-words FTS query. A scan has no
/// relevance to rank by, so this is newest first where the app's default is relevance.
/// </summary>
public static class LikeSearch
{
    public static async Task<ScenarioPage> SearchAsync(IServiceProvider scoped, ScenarioQuery q, CancellationToken ct = default)
    {
        var caller = await scoped.GetRequiredService<CurrentUser>().GetAsync(ct);
        if (caller.Role != OrgRole.Admin) throw new InvalidOperationException("The LIKE baseline mirrors the Admin's view only.");
        await using var db = await scoped.GetRequiredService<TenantDb>().OpenAsync(caller, ct);

        var words = Words(q.Search);
        // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does that.
        var like = SqlDialect.Of(db.Database).Provider == DatabaseProvider.PostgreSQL ? "ILIKE" : "LIKE";
        var sql = new StringBuilder("SELECT * FROM \"Scenarios\" WHERE 1 = 1");
        var parameters = new List<object>();
        for (var i = 0; i < words.Count; i++)
        {
            sql.Append($" AND (\"Title\" {like} {{{i}}} OR \"Description\" {like} {{{i}}} OR \"Tags\" {like} {{{i}}}")
               .Append($" OR \"Id\" IN (SELECT \"ScenarioId\" FROM \"ScenarioPhases\" WHERE \"Content\" {like} {{{i}}}))");
            parameters.Add($"%{words[i]}%");
        }
        var query = db.Scenarios.FromSqlRaw(sql.ToString(), [.. parameters]).AsNoTracking();
        // Readable(query, caller) is the identity for Admins.
        if (q.Domain is { } domain) query = query.Where(s => s.Domain == domain);
        if (!string.IsNullOrWhiteSpace(q.Category)) query = query.Where(s => s.Category == q.Category);
        if (q.Difficulty is { } difficulty) query = query.Where(s => s.Difficulty == difficulty);
        if (q.Status is { } status) query = query.Where(s => s.Status == status);
        if (q.Visibility is { } visibility) query = query.Where(s => s.Visibility == visibility);
        if (!string.IsNullOrWhiteSpace(q.OwnerId)) query = query.Where(s => s.CreatedById == q.OwnerId);

        var total = await query.CountAsync(ct);
        var pageSize = Math.Clamp(q.PageSize, 1, 100);
        var rows = await query.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
            .Skip(Math.Max(0, q.Page) * pageSize).Take(pageSize)
            .Select(s => new ScenarioRow(s.Id, s.Title, s.Slug, s.Domain, s.Category, s.Difficulty, s.Status, s.Visibility, s.IsSystem,
                db.Users.Where(u => u.Id == s.CreatedById).Select(u => u.DisplayName).FirstOrDefault() ?? "ScenarioStudio",
                s.Phases.Count, s.EstimatedMinutes, s.UpdatedAt))
            .ToListAsync(ct);
        return new ScenarioPage(rows, total);
    }

    /// <summary>The words ScenarioSearchIndex.ToMatchQuery keeps: letters and digits only, at most eight.</summary>
    public static List<string> Words(string? input) =>
        string.IsNullOrWhiteSpace(input)
            ? []
            : input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()))
                .Where(w => w.Length > 0)
                .Take(8)
                .ToList();
}

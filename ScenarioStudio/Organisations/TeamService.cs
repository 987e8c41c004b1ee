using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Audit;
using ScenarioStudio.Data;

namespace ScenarioStudio.Organisations;

public sealed record Person(string Id, string DisplayName, string Email, OrgRole Role);

public sealed record TeamRow(Guid Id, string Name, Person? Manager, IReadOnlyList<Person> Members);

public sealed record TeamInput(string Name, string? ManagerId, IReadOnlyCollection<string> MemberIds);

/// <summary>
/// Teams: Admins manage every team; a Manager sees the teams they lead and chooses their members. Each change is
/// recorded in the audit log in its transaction.
/// </summary>
public sealed class TeamService(CurrentUser currentUser, TenantDb tenantDb, AuditTrail audit)
{
    public const int MaxNameLength = 60;

    public async Task<IReadOnlyList<TeamRow>> ListAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var teams = await db.TeamsLedBy(caller).AsNoTracking().OrderBy(t => t.Name)
            .Include(t => t.Manager)
            .Include(t => t.Members).ThenInclude(m => m.User)
            .AsSplitQuery()
            .ToListAsync(ct);
        return teams.Select(t => new TeamRow(t.Id, t.Name,
            t.Manager is null ? null : new Person(t.Manager.Id, t.Manager.DisplayName, t.Manager.Email ?? "", t.Manager.Role),
            t.Members.Select(m => m.User!).OrderBy(u => u.DisplayName)
                .Select(u => new Person(u.Id, u.DisplayName, u.Email ?? "", u.Role)).ToList())).ToList();
    }

    /// <summary>Active members who can be put in a team or lead one.</summary>
    public async Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        return await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName)
            .Select(u => new Person(u.Id, u.DisplayName, u.Email ?? "", u.Role)).ToListAsync(ct);
    }

    public async Task<Guid> CreateAsync(TeamInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ValidateAsync(db, null, input, ct);
        var team = new Team { OrganisationId = caller.OrganisationId, Name = input.Name.Trim(), ManagerId = input.ManagerId };
        team.Members.AddRange(input.MemberIds.Distinct().Select(id => new TeamMember { UserId = id, OrganisationId = caller.OrganisationId }));
        db.Teams.Add(team);
        var names = await NamesAsync(db, input.MemberIds.Append(input.ManagerId), ct);
        audit.Record(db, caller, AuditAction.Create, Subject(team), $"Created team {team.Name}", AuditTrail.Diff(("Name", null, team.Name),
            ("Manager", null, Name(names, team.ManagerId)), ("Members", null, Names(names, team.Members.Select(m => m.UserId)))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return team.Id;
    }

    /// <summary>Admins change everything; the team's own Manager may change only its members.</summary>
    public async Task UpdateAsync(Guid teamId, TeamInput input, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ViewTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var team = await db.Teams.Include(t => t.Members).SingleOrDefaultAsync(t => t.Id == teamId, ct)
            ?? throw new ForbiddenException("This team does not exist in your organisation.");
        if (!caller.Leads(team)) throw new ForbiddenException("Only an Admin or the team's manager may change this team.");
        if (!caller.Can(Permission.ManageTeams) && (input.Name.Trim() != team.Name || input.ManagerId != team.ManagerId))
            throw new ForbiddenException("Only an Admin may rename a team or change its manager.");

        await ValidateAsync(db, teamId, input, ct);
        var (name, managerId, memberIds) = (team.Name, team.ManagerId, team.Members.Select(m => m.UserId).ToList());
        team.Name = input.Name.Trim();
        team.ManagerId = input.ManagerId;
        var wanted = input.MemberIds.ToHashSet();
        team.Members.RemoveAll(m => !wanted.Contains(m.UserId));
        foreach (var id in wanted.Where(id => team.Members.All(m => m.UserId != id)))
            team.Members.Add(new TeamMember { TeamId = team.Id, UserId = id, OrganisationId = caller.OrganisationId });

        var names = await NamesAsync(db, memberIds.Concat(wanted).Append(managerId).Append(team.ManagerId), ct);
        var renamed = AuditTrail.Diff(("Name", name, team.Name), ("Manager", Name(names, managerId), Name(names, team.ManagerId)));
        if (renamed.Count > 0) audit.Record(db, caller, AuditAction.Update, Subject(team), $"Changed team {team.Name}", renamed);
        var added = wanted.Except(memberIds).ToList();
        var removed = memberIds.Except(wanted).ToList();
        if (added.Count + removed.Count > 0)
        {
            var said = new[] { added.Count > 0 ? $"added {Names(names, added)}" : null, removed.Count > 0 ? $"removed {Names(names, removed)}" : null };
            audit.Record(db, caller, AuditAction.TeamChange, Subject(team), $"Team {team.Name}: {string.Join("; ", said.OfType<string>())}",
                [new FieldChange("Members", Names(names, memberIds), Names(names, wanted))]);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task DeleteAsync(Guid teamId, CancellationToken ct = default)
    {
        var caller = await currentUser.RequireAsync(Permission.ManageTeams, ct);
        await using var db = await tenantDb.OpenAsync(caller, ct);
        var team = await db.Teams.Include(t => t.Members).SingleOrDefaultAsync(t => t.Id == teamId, ct)
            ?? throw new ForbiddenException("This team does not exist in your organisation.");
        var names = await NamesAsync(db, team.Members.Select(m => m.UserId).Append(team.ManagerId), ct);
        audit.Record(db, caller, AuditAction.Delete, Subject(team), $"Deleted team {team.Name}", AuditTrail.Diff(("Name", team.Name, null),
            ("Manager", Name(names, team.ManagerId), null), ("Members", Names(names, team.Members.Select(m => m.UserId)), null)));
        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
    }

    private static AuditSubject Subject(Team team) => new(AuditSubjects.Team, team.Id.ToString(), team.Name);

    private static async Task<Dictionary<string, string>> NamesAsync(AppDbContext db, IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        return await db.Users.Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }

    private static string? Name(Dictionary<string, string> names, string? id) => id is null ? null : names.GetValueOrDefault(id, id);

    /// <summary>Members by name, in order, for a field change; null for none.</summary>
    private static string? Names(Dictionary<string, string> names, IEnumerable<string> ids) =>
        ids.Select(id => names.GetValueOrDefault(id, id)).Order(StringComparer.CurrentCultureIgnoreCase).ToList() is { Count: > 0 } list
            ? string.Join(", ", list) : null;

    private static async Task ValidateAsync(AppDbContext db, Guid? teamId, TeamInput input, CancellationToken ct)
    {
        var name = input.Name.Trim();
        var errors = new FieldErrors()
            .Check(name.Length is >= 2 and <= MaxNameLength, "Name", $"A team name is 2 to {MaxNameLength} characters.");
        if (name.Length > 0 && await db.Teams.AnyAsync(t => t.Name == name && t.Id != teamId, ct))
            errors.Add("Name", "Another team already has this name.");

        // The tenant filter makes people of other organisations invisible here, so they fail these checks.
        var ids = input.MemberIds.Append(input.ManagerId).OfType<string>().Distinct().ToList();
        var people = await db.Users.Where(u => ids.Contains(u.Id) && u.IsActive).ToDictionaryAsync(u => u.Id, u => u.Role, ct);
        if (input.ManagerId is not null)
        {
            errors.Check(people.TryGetValue(input.ManagerId, out var role) && role is OrgRole.Manager or OrgRole.Admin,
                "ManagerId", "The manager must be an active Manager or Admin of this organisation.");
        }
        errors.Check(input.MemberIds.All(people.ContainsKey), "MemberIds", "Every member must be an active member of this organisation.");
        errors.ThrowIfAny();
    }
}

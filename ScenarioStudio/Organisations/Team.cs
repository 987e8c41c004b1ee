using ScenarioStudio.Account;

namespace ScenarioStudio.Organisations;

public sealed class Team : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public string? ManagerId { get; set; }
    public ApplicationUser? Manager { get; set; }
    public List<TeamMember> Members { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public sealed class TeamMember : IOrganisationOwned
{
    public Guid TeamId { get; set; }
    public string UserId { get; set; } = "";
    public Guid OrganisationId { get; set; }
    public Team? Team { get; set; }
    public ApplicationUser? User { get; set; }
}

namespace ScenarioStudio.Practice;

/// <summary>
/// A learner finished a session: open dashboards and program grids of the organisation re-load. Published through
/// <see cref="ScaleOut.ILiveEvents{T}"/>, so it reaches pages open on every node.
/// </summary>
public sealed record SessionCompleted(Guid OrganisationId, string LearnerId);

using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Bulk;

/// <summary>Which bulk actions the caller's role offers (the service checks each row again).</summary>
public sealed record BulkRights(bool Publish, bool Submit, bool Archive, bool Edit, bool Delete)
{
    public bool Any => Publish || Submit || Archive || Edit || Delete;

    public static BulkRights For(Caller caller) => new(
        Publish: caller.Can(Permission.PublishScenario),
        Submit: caller.Can(Permission.UpdateScenario) && !caller.Can(Permission.PublishScenario),
        Archive: caller.Can(Permission.PublishScenario),
        Edit: caller.Can(Permission.UpdateScenario),
        Delete: caller.Can(Permission.DeleteScenario));
}

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>A fresh temp database per test with one organisation holding a member of every role.</summary>
public abstract class OrganisationTestBase : IAsyncLifetime
{
    protected readonly TestDatabase db = new();
    protected TestOrganisation org = default!;

    public virtual async Task InitializeAsync()
    {
        await db.InitializeAsync();
        org = await db.CreateOrganisationAsync("Acme");
    }

    public virtual Task DisposeAsync() => db.DisposeAsync();
}

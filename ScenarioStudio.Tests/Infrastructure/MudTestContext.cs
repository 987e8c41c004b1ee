using Bunit;
using MudBlazor.Services;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// bUnit with MudBlazor's services registered once; JS interop loose (MudBlazor calls JS we do not assert on).
/// Disposed asynchronously first, because several MudBlazor services are only IAsyncDisposable.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await AfterDisposeAsync();
    }

    /// <summary>Clean-up of a test's own resources, after bUnit's renderer and services are gone.</summary>
    protected virtual Task AfterDisposeAsync() => Task.CompletedTask;
}

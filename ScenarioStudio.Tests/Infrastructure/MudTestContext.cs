using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>bUnit with MudBlazor's services registered once; JS interop loose (MudBlazor calls JS we do not assert on).</summary>
public abstract class MudTestContext : BunitContext
{
    protected MudTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }
}

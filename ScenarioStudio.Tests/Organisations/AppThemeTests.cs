using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Components;
using ScenarioStudio.Components.Layout;

namespace ScenarioStudio.Tests.Organisations;

public sealed class AppThemeTests
{
    [Fact]
    public async Task Theme_styles_carry_the_colour_and_mode_and_are_rendered_once_for_every_page()
    {
        // The app's own web UI registrations (Razor components, MudBlazor, the theme).
        var builder = WebApplication.CreateBuilder();
        builder.AddWebUi();
        await using var host = builder.Build();
        var theme = host.Services.GetRequiredService<AppTheme>();

        var light = (await theme.StylesAsync("#0b7285", dark: false)).Value;
        var dark = (await theme.StylesAsync("#0B7285", dark: true)).Value;

        Assert.StartsWith("<style", light.TrimStart());
        Assert.Contains("--mud-palette-primary: rgba(11,114,133,1)", light);
        Assert.Contains("--mud-palette-primary: rgba(11,114,133,1)", dark);
        Assert.Contains("--mud-palette-background: rgba(247,248,250,1)", light);
        Assert.DoesNotContain("--mud-palette-background: rgba(247,248,250,1)", dark);
        Assert.Contains("--mud-palette-appbar-background: rgba(30,30,45,1)", dark);
        // Every page of the same organisation and mode gets the very same string, whatever the colour's case.
        Assert.Same(light, (await theme.StylesAsync("#0B7285", dark: false)).Value);
        Assert.NotSame(light, (await theme.StylesAsync("#7048E8", dark: false)).Value);
    }
}

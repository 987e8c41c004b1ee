using MudBlazor;

namespace ScenarioStudio.Components.Layout;

/// <summary>The MudBlazor theme, coloured by the organisation's primary colour.</summary>
public static class AppTheme
{
    public static MudTheme Create(string primaryColour) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = primaryColour,
            AppbarBackground = primaryColour,
            Background = "#F7F8FA",
        },
        PaletteDark = new PaletteDark
        {
            Primary = primaryColour,
            AppbarBackground = "#1E1E2D",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}

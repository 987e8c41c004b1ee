using System.Collections.Concurrent;
using MudBlazor;

namespace ScenarioStudio.Components.Layout;

/// <summary>
/// The MudBlazor theme, coloured by the organisation's primary colour. Themes are never changed once built, so one
/// instance per colour is shared by every circuit instead of each page holding its own.
/// </summary>
public static class AppTheme
{
    private static readonly ConcurrentDictionary<string, MudTheme> Themes = new(StringComparer.OrdinalIgnoreCase);

    public static MudTheme Create(string primaryColour)
    {
        if (Themes.Count > 1000) Themes.Clear(); // colours come from organisation settings; keep the cache bounded
        return Themes.GetOrAdd(primaryColour, Build);
    }

    private static MudTheme Build(string colour) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = colour,
            AppbarBackground = colour,
            Background = "#F7F8FA",
        },
        PaletteDark = new PaletteDark
        {
            Primary = colour,
            AppbarBackground = "#1E1E2D",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}

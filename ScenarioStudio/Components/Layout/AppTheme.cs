using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ScenarioStudio.Components.Layout;

/// <summary>
/// The MudBlazor theme, coloured by the organisation's primary colour, as the style markup MudBlazor's
/// <see cref="MudThemeProvider"/> writes. A theme provider builds that text (tens of kilobytes) inside every page and
/// keeps it in the circuit; here it is rendered once per colour and mode and the same string is shared by every circuit.
/// </summary>
public sealed class AppTheme(IServiceProvider services, ILoggerFactory loggers)
{
    private const int MaxCached = 1000; // colours come from organisation settings; keep the cache bounded
    private readonly ConcurrentDictionary<(string Colour, bool Dark), Task<MarkupString>> styles = new();

    /// <summary>The <c>style</c> elements for the colour (#RRGGBB) in light or dark mode.</summary>
    public async Task<MarkupString> StylesAsync(string primaryColour, bool dark)
    {
        if (styles.Count > MaxCached) styles.Clear();
        var key = (primaryColour.ToUpperInvariant(), dark);
        var task = styles.GetOrAdd(key, k => RenderAsync(k.Colour, k.Dark));
        try
        {
            return await task;
        }
        catch
        {
            styles.TryRemove(new KeyValuePair<(string, bool), Task<MarkupString>>(key, task)); // let the next page try again
            throw;
        }
    }

    private async Task<MarkupString> RenderAsync(string colour, bool dark)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = Build(colour),
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
            }));
            return output.ToHtmlString();
        });
        return new MarkupString(html);
    }

    public static MudTheme Build(string colour) => new()
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

using Microsoft.Playwright;

namespace ScenarioStudio.Tests.Infrastructure;

public static class ViewportScreenshots
{
    /// <summary>What the screen shows (not the full page): for menus, drawers and other fixed layers over a long page.</summary>
    public static async Task ScreenAsync(this IPage page, string name)
    {
        if (AppFixture.ScreenshotDirectory is not { } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = false });
    }
}

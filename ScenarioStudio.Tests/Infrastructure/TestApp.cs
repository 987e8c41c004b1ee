using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// The whole app on the in-memory test server, over a data directory of its own (SQLite file and keys) that is
/// removed on dispose. Settings are the app's configuration keys; <paramref name="configure"/> adds what a test needs
/// beyond them (test services, startup filters).
/// </summary>
public sealed class TestApp(IReadOnlyDictionary<string, string>? settings = null, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "scenariostudio-app", Guid.NewGuid().ToString("N"));

    /// <summary>A client that does not follow redirects (tests look at the 302s themselves); it keeps cookies unless told not to.</summary>
    public HttpClient NewClient(bool handleCookies = true) =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = handleCookies });

    protected override void ConfigureWebHost(IWebHostBuilder web)
    {
        web.UseSetting("Storage:DataDirectory", DataDirectory);
        foreach (var (key, value) in TestEngine.Settings(DataDirectory)) web.UseSetting(key, value);
        web.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) web.UseSetting(key, value);
        configure?.Invoke(web);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        TestEngine.Drop(DataDirectory);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } // never created, or a file still held
    }
}

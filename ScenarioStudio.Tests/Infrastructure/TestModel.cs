using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioStudio.Ai.Coach;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>
/// The offline coach's sentence model, loaded once for the whole test run and shared by every test host (as a
/// server shares it between circuits), instead of once per test class.
/// </summary>
public static class TestModel
{
    public static readonly MiniLmEmbedder Embedder = new(Options.Create(new CoachModelOptions()));
    public static readonly CoachJudge Judge = new(new EmbeddingCache(Embedder));

    /// <summary>
    /// Replaces the host's own model registrations with the shared instance. Registered as instances, which a host
    /// does not dispose (it does dispose what a factory returns, which closed the shared session under other tests).
    /// </summary>
    public static void Share(IServiceCollection services)
    {
        services.AddSingleton(Embedder);
        services.AddSingleton<ITextEmbedder>(Embedder);
    }
}

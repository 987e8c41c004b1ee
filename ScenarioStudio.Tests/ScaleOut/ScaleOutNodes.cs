using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.ScaleOut;

/// <summary>
/// Two nodes of one install as the service tests see them: two service providers (nothing in memory shared) over one
/// SQLite file and one Redis, under a key prefix of their own.
/// </summary>
public sealed class ScaleOutNodes(TestRedis redis, int streamClaimSeconds = 30) : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "scenariostudio-tests", Guid.NewGuid().ToString("N"));

    public string Prefix { get; } = TestRedis.NewPrefix();
    public TestDatabase A { get; private set; } = default!;
    public TestDatabase B { get; private set; } = default!;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Redis:Connection"] = redis.Connection,
        ["Redis:KeyPrefix"] = Prefix,
        ["Redis:StreamClaimSeconds"] = streamClaimSeconds.ToString(),
    };

    public async Task InitializeAsync()
    {
        A = new TestDatabase { DataDirectory = directory, Settings = Settings };
        await A.InitializeAsync();
        B = new TestDatabase { DataDirectory = directory, Settings = Settings };
        await B.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}

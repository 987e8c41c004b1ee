using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.ScaleOut;

public sealed class ScaleOutStartupTests
{
    [Fact]
    public void A_node_whose_Redis_is_unreachable_refuses_to_start_and_names_the_setting()
    {
        // Port 1 on loopback: nothing listens there.
        using var app = new TestApp(new Dictionary<string, string> { ["Redis:Connection"] = "127.0.0.1:1,connectTimeout=1000" });

        var failure = Assert.ThrowsAny<Exception>(() => app.NewClient());

        var message = failure is AggregateException a ? a.Flatten().InnerExceptions[0].Message : failure.Message;
        Assert.Contains("Could not connect to Redis", message, StringComparison.Ordinal);
        Assert.Contains("Redis:Connection", message, StringComparison.Ordinal);
    }
}

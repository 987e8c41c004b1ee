using ScenarioStudio.Practice;

namespace ScenarioStudio.Tests.Practice;

public sealed class StreamBufferTests
{
    [Fact]
    public async Task A_token_inside_the_throttle_window_is_shown_without_waiting_for_the_next_token()
    {
        var buffer = new StreamBuffer();
        var renders = new List<string>();
        var second = new TaskCompletionSource();
        buffer.Changed += () =>
        {
            lock (renders) renders.Add(buffer.Text);
            if (buffer.Text.Contains("two")) second.TrySetResult();
            return Task.CompletedTask;
        };
        buffer.Start(Speaker.Customer);
        await Task.Delay(StreamBuffer.Throttle * 2);
        await buffer.AppendAsync("one"); // the last render is older than the throttle: shown at once
        await buffer.AppendAsync(" two"); // inside the window, and no token follows: the trailing flush shows it

        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "one two"], renders);

        buffer.Stop(); // no render of its own: the page renders the saved message in the same batch
        Assert.False(buffer.Active);
        Assert.Equal("one two", buffer.Text);
        await Task.Delay(StreamBuffer.Throttle * 2);
        Assert.Equal(2, renders.Count);
    }
}

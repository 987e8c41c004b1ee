using System.Diagnostics;
using System.Text;

namespace ScenarioStudio.Practice;

/// <summary>
/// The message being streamed. Tokens are appended as they arrive; the one component showing it re-renders on a
/// short throttle (not per token), so a fast stream costs a few renders a second and the rest of the page none.
/// </summary>
public sealed class StreamBuffer
{
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(40);

    private readonly StringBuilder text = new();
    private readonly Stopwatch sinceRender = Stopwatch.StartNew();

    public Speaker Speaker { get; private set; }
    public bool Active { get; private set; }
    public string Text => text.ToString();
    public event Func<Task>? Changed;

    public void Start(Speaker speaker)
    {
        text.Clear();
        Speaker = speaker;
        Active = true;
    }

    public async Task AppendAsync(string token)
    {
        text.Append(token);
        if (sinceRender.Elapsed >= Throttle) await NotifyAsync();
    }

    public async Task StopAsync()
    {
        Active = false;
        await NotifyAsync();
    }

    private async Task NotifyAsync()
    {
        sinceRender.Restart();
        if (Changed is { } handler) await handler();
    }
}

using System.Diagnostics;
using System.Text;

namespace ScenarioStudio.Practice;

/// <summary>
/// The message being streamed. Tokens are appended as they arrive; the one component showing it re-renders on a
/// short throttle (not per token): at once when the last render is older than the throttle, otherwise once the
/// throttle has passed. So a fast stream costs a few renders a second and no token waits longer than the throttle.
/// Used from the page's synchronisation context only.
/// </summary>
public sealed class StreamBuffer
{
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(40);

    private readonly StringBuilder text = new();
    private readonly Stopwatch sinceRender = Stopwatch.StartNew();
    private int renderedLength;
    private bool flushPending;

    public Speaker Speaker { get; private set; }
    public bool Active { get; private set; }
    /// <summary>The text as of the last render (tokens since then are not shown yet).</summary>
    public string Text { get; private set; } = "";
    public bool IsEmpty => Text.Length == 0;
    public event Func<Task>? Changed;

    public void Start(Speaker speaker)
    {
        text.Clear();
        renderedLength = 0;
        Text = "";
        Speaker = speaker;
        Active = true;
    }

    public async Task AppendAsync(string token)
    {
        text.Append(token);
        var since = sinceRender.Elapsed;
        if (since >= Throttle) await NotifyAsync();
        else if (!flushPending)
        {
            flushPending = true;
            _ = FlushAfterAsync(Throttle - since);
        }
    }

    /// <summary>Shows what the throttle still holds, at once (the stream is complete, or the throttle has passed).</summary>
    public async Task FlushAsync()
    {
        if (Active && text.Length > renderedLength) await NotifyAsync();
    }

    /// <summary>
    /// Ends the stream without a render of its own: the page re-renders once with the saved message in place of the
    /// streamed one, so the text never disappears in between.
    /// </summary>
    public void Stop() => Active = false;

    private async Task FlushAfterAsync(TimeSpan delay)
    {
        await Task.Delay(delay);
        flushPending = false;
        try
        {
            await FlushAsync();
        }
        catch (ObjectDisposedException)
        {
            // The page went away while the flush waited.
        }
    }

    private async Task NotifyAsync()
    {
        sinceRender.Restart();
        if (text.Length != renderedLength)
        {
            Text = text.ToString();
            renderedLength = text.Length;
        }
        if (Changed is { } handler) await handler();
    }
}

using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Operations;

/// <summary>The circuit's WebSocket on the real Kestrel host of the browser tests.</summary>
[Collection("Browser")]
public sealed class CircuitConnectionTests(AppFixture app)
{
    [Fact]
    public async Task The_circuit_websocket_declines_per_message_compression()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString();

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions(); // the browser asks for permessage-deflate too
        await socket.ConnectAsync(new Uri(app.BaseUrl.Replace("http", "ws", StringComparison.Ordinal) + $"/_blazor?id={token}"), CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.False(socket.HttpResponseHeaders?.ContainsKey("Sec-WebSocket-Extensions") ?? false,
            "render batches are tiny: compression would cost CPU and a deflate state per circuit");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}

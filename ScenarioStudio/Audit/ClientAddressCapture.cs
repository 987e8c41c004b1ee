using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ScenarioStudio.Audit;

/// <summary>
/// Puts the client's address into the circuit's <see cref="ClientAddress"/> when its connection comes up (again after a
/// reconnection, which may come from another network). The circuit's hub request has passed the forwarded-headers
/// middleware (<c>UseReverseProxy</c>), so behind a trusted proxy this is the client's address, not the proxy's.
/// </summary>
internal sealed class ClientAddressCapture(IHttpContextAccessor http, ClientAddress address) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext is { } context) address.Value = ClientAddress.Show(context.Connection.RemoteIpAddress);
        return Task.CompletedTask;
    }
}

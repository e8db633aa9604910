using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.KeyValue;

namespace Platform.Bench.Load;

/// <summary>
/// The typed client: <see cref="IKeyValueStore"/> over an external <c>IClusterClient</c>, set up exactly as an
/// application would (<c>AddPlatformClusterClient</c> + <c>AddPlatformClient</c>, <c>Platform:*</c> keys).
/// </summary>
internal sealed class ClientKeyValueTarget : IKeyValueTarget
{
    private readonly IHost _host;
    private readonly IKeyValueStore _store;
    private readonly string _ns;

    private ClientKeyValueTarget(IHost host, string ns)
    {
        _host = host;
        _ns = ns;
        _store = host.Services.GetRequiredService<IKeyValueStore>();
    }

    public string Name => "kv-client";

    /// <summary>Connects with <paramref name="settings"/> (Platform:* keys) over environment variables of the same keys.</summary>
    public static async Task<ClientKeyValueTarget> ConnectAsync(IReadOnlyDictionary<string, string?> settings, string ns, CancellationToken cancellationToken)
    {
        var host = await ClientHost.StartAsync(settings, cancellationToken);
        return new ClientKeyValueTarget(host, ns);
    }

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        _ = await _store.GetAsync(_ns, key, cancellationToken)
            ?? throw new KeyNotFoundException($"GET {key}: not found");
    }

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        _store.PutAsync(_ns, key, value, null, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

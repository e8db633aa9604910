using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Caches;

namespace Platform.Bench.Load.Caches;

/// <summary>The typed client: <see cref="ICaches"/> over an external <c>IClusterClient</c>, with or without the near cache.</summary>
internal sealed class ClientCacheTarget : IKeyValueTarget
{
    private readonly IHost _host;
    private readonly string _cache;

    private ClientCacheTarget(IHost host, string cache)
    {
        _host = host;
        _cache = cache;
        Caches = host.Services.GetRequiredService<ICaches>();
        Name = $"cache-client ({cache})";
    }

    public string Name { get; }

    public ICaches Caches { get; }

    /// <summary>Connects and creates the cache (or finds it unchanged).</summary>
    public static async Task<ClientCacheTarget> ConnectAsync(IReadOnlyDictionary<string, string?> settings, bool near, CancellationToken cancellationToken)
    {
        var host = await ClientHost.StartAsync(settings, cancellationToken);
        var cache = near ? BenchCaches.Near : BenchCaches.Plain;
        await host.Services.GetRequiredService<ICaches>().PutAsync(cache, BenchCaches.Spec(near), cancellationToken);
        return new ClientCacheTarget(host, cache);
    }

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        _ = await Caches.GetAsync(_cache, key, cancellationToken) ?? throw new KeyNotFoundException($"GET {key}: not cached");
    }

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        Caches.SetAsync(_cache, key, value, null, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

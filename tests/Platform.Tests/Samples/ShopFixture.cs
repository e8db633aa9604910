using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Platform.Testing.Cluster;
using Platform.Testing.Network;
using Shop;

namespace Platform.Tests.Samples;

/// <summary>The reference shop (samples/Shop) on a real port, against a one-silo in-process cluster, as the shop's README runs it.</summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private WebApplication? _shop;

    public PlatformTestCluster Cluster { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider ShopServices => _shop!.Services;

    public async Task InitializeAsync()
    {
        Cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions { Silos = 1 });
        var url = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}";
        var args = Cluster.Settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}")
            .Append($"--Shop:BaseUrl={url}")
            .Append($"--Shop:Namespace=shop-{Guid.NewGuid():N}"[..32])
            .Append("--Logging:LogLevel:Default=Warning")
            .ToArray();
        _shop = ShopProgram.Build(args);
        await _shop.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_shop is not null)
        {
            await _shop.StopAsync();
            await _shop.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

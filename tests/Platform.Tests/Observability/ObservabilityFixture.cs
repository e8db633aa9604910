using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults;
using Platform.Testing.Http;
using Platform.Testing.Network;

namespace Platform.Tests.Observability;

/// <summary>
/// The embedded host as the README runs it (one co-hosted silo, memory storage) on Kestrel, so a real browser can
/// load the console, with traces recorded (<see cref="PlatformServiceDefaults.TracesKey"/>) into <see cref="Spans"/>.
/// </summary>
public sealed class ObservabilityFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _host;
    private HttpClient? _http;

    /// <summary>Every span the host finished, in the order they ended.</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public string BaseAddress { get; private set; } = "";

    public PlatformApiClient Api { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var ports = FreePorts.Next(3);
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Platform:Silo:Port", ports[0].ToString(CultureInfo.InvariantCulture));
            web.UseSetting("Platform:Silo:GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture));
            web.UseSetting(PlatformServiceDefaults.TracesKey, "true");
            web.UseSetting("Platform:Observability:ConsoleRefreshMs", "500");
            web.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(Spans)))));
        });
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, ports[2]));
        host.StartServer();
        _host = host;
        BaseAddress = $"http://127.0.0.1:{ports[2].ToString(CultureInfo.InvariantCulture)}";
        _http = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        Api = new PlatformApiClient(_http);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Keeps exported spans in a queue the tests read while the host runs.</summary>
    private sealed class QueueExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                spans.Enqueue(activity);
            }

            return ExportResult.Success;
        }
    }
}

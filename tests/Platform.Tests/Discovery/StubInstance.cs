using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing.Network;

namespace Platform.Tests.Discovery;

/// <summary>A real Kestrel service instance on a loopback port: <c>/healthz</c> answers 200 or 503 as told, <c>/work</c> after a set delay.</summary>
public sealed class StubInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubInstance(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Whether <c>/healthz</c> answers 200 (else 503).</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>How long <c>/work</c> takes.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Whether <c>/work</c> answers 503 (else 200 with the port).</summary>
    public bool Failing { get; set; }

    /// <summary><c>/work</c> requests received.</summary>
    public int Hits => _hits;

    private int _hits;

    /// <summary><c>/healthz</c> requests served.</summary>
    public int Probes => _probes;

    private int _probes;

    public static async Task<StubInstance> StartAsync(TimeSpan delay = default)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var app = builder.Build();
        var stub = new StubInstance(app, port) { Delay = delay };
        app.MapGet("/healthz", () =>
        {
            Interlocked.Increment(ref stub._probes);
            return stub.Healthy ? Results.Ok("ok") : Results.StatusCode(503);
        });
        app.MapGet("/work", async (CancellationToken ct) =>
        {
            Interlocked.Increment(ref stub._hits);
            if (stub.Delay > TimeSpan.Zero)
            {
                await Task.Delay(stub.Delay, ct);
            }

            return stub.Failing ? Results.StatusCode(503) : Results.Text(port.ToString(CultureInfo.InvariantCulture));
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

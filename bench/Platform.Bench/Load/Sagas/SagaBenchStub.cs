using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Bench.Load.Sagas;

/// <summary>
/// The saga steps' service: Kestrel on 127.0.0.1, answering every <c>POST /step/{n}</c> at once with a small JSON body
/// (no I/O, no waiting). Counts calls so the driver can check that every step of every saga reached it.
/// </summary>
internal sealed class SagaBenchStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _calls;

    private SagaBenchStub(WebApplication app) => _app = app;

    public Uri Base { get; private set; } = new("http://127.0.0.1");

    public long Calls => Interlocked.Read(ref _calls);

    public static async Task<SagaBenchStub> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new SagaBenchStub(app);
        app.MapPost("/step/{n:int}", (int n) =>
        {
            Interlocked.Increment(ref stub._calls);
            return Results.Text($"{{\"step\":{n},\"ok\":true}}", "application/json");
        });
        await app.StartAsync(cancellationToken);
        stub.Base = new Uri(app.Urls.First());
        return stub;
    }

    /// <summary>
    /// The stub's own latency as a caller sees it: <paramref name="calls"/> sequential POSTs over one keep-alive
    /// connection (after 200 unmeasured), the figure subtracted from a step's latency to get the platform's overhead.
    /// </summary>
    public async Task<LatencyHistogram> MeasureDirectAsync(int calls, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Base };
        var histogram = new LatencyHistogram();
        for (var i = 0; i < calls + 200; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/step/0") { Content = content };
            request.Headers.Add("Idempotency-Key", $"direct:{i}");
            using var response = await http.SendAsync(request, cancellationToken);
            _ = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (i >= 200)
            {
                histogram.RecordSince(start);
            }
        }

        Interlocked.Add(ref _calls, -(calls + 200));
        return histogram;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

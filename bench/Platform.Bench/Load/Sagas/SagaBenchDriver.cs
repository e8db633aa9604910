using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load.Sagas;

/// <summary>
/// Closed-loop 3-step HTTP sagas: each worker starts an instance (<c>POST /v1/sagas/{name}/instances</c>), follows it
/// on <c>GET .../watch</c> until the stream ends at rest, and records it if it ended inside the measured
/// window (whenever it started). Steps call <see cref="SagaBenchStub"/>, which answers at once.
/// </summary>
internal sealed class SagaBenchDriver : IDisposable
{
    private readonly SagaBenchOptions _options;
    private readonly SagaBenchStub _stub;
    private readonly HttpClient _http;

    public SagaBenchDriver(SagaBenchOptions options, SagaBenchStub stub)
    {
        _options = options;
        _stub = stub;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = (options.Concurrency * 2) + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Puts the definition: steps s1..s3, each an http POST to the stub.</summary>
    public async Task SetUpAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var steps = string.Join(',', Enumerable.Range(1, SagaBenchOptions.Steps).Select(i =>
            $"{{\"name\":\"s{i}\",\"action\":{{\"kind\":\"http\",\"method\":\"POST\",\"url\":\"{_stub.Base.ToString().TrimEnd('/')}/step/{i}\",\"body\":\"{{\\\"saga\\\":\\\"{{{{sagaId}}}}\\\"}}\"}},\"retry\":{{\"maxAttempts\":3,\"backoffMs\":50,\"jitter\":true}},\"timeoutMs\":10000}}"));
        using var content = new StringContent($"{{\"steps\":[{steps}]}}", Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(new Uri($"/v1/sagas/definitions/{_options.Definition}", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT definition answered {(int)response.StatusCode}: {body}");
        }

        log.WriteLine($"definition {_options.Definition}: {SagaBenchOptions.Steps} http steps to {_stub.Base}");
    }

    public async Task<SagaBenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var stubDirect = await _stub.MeasureDirectAsync(2000, cancellationToken);
        var (workers, elapsed, driverCpu, serverCpu) = await MeasuredWindow.RunAsync(
            _options.Concurrency, (i, phase) => new Worker(this, i, phase), w => w.RunAsync(cancellationToken),
            _options.Warmup, _options.Duration, _options.ServerPids, cancellationToken);

        var saga = new LatencyHistogram();
        var step = new LatencyHistogram();
        long completed = 0, failed = 0;
        string? firstError = null;
        foreach (var worker in workers)
        {
            saga.Add(worker.SagaLatency);
            step.Add(worker.StepLatency);
            completed += worker.Completed;
            failed += worker.Failed;
            firstError ??= worker.FirstError;
        }

        return new SagaBenchResult(_options, completed, failed, elapsed, saga, step, stubDirect, firstError)
        {
            DriverCpu = driverCpu,
            ServerCpu = serverCpu,
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Starts one instance and reads its watch stream to the end; answers the last view's JSON.</summary>
    private async Task<string> RunOneAsync(string id, long n, CancellationToken cancellationToken)
    {
        using (var content = new StringContent(string.Create(CultureInfo.InvariantCulture, $"{{\"id\":\"{id}\",\"input\":{{\"n\":{n}}}}}"), Encoding.UTF8, "application/json"))
        using (var start = await _http.PostAsync(new Uri($"/v1/sagas/{_options.Definition}/instances", UriKind.Relative), content, cancellationToken))
        {
            if (start.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                throw new InvalidOperationException($"start answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/sagas/instances/{id}/watch", UriKind.Relative));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var last = "";
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                last = line[5..].Trim();
            }
        }

        return last;
    }

    /// <summary>Each forward step's latency: from the previous step's result (or the instance's creation) to its own.</summary>
    private static void RecordSteps(JsonElement view, LatencyHistogram steps)
    {
        var previous = view.GetProperty("createdAt").GetDateTimeOffset();
        foreach (var attempt in view.GetProperty("history").EnumerateArray())
        {
            if (attempt.GetProperty("phase").GetString() != "action" || !attempt.GetProperty("succeeded").GetBoolean()
                || attempt.GetProperty("endedAt").ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var ended = attempt.GetProperty("endedAt").GetDateTimeOffset();
            steps.Record((long)(ended - previous).TotalNanoseconds);
            previous = ended;
        }
    }

    private sealed class Worker(SagaBenchDriver driver, int index, Func<int> phase)
    {
        public LatencyHistogram SagaLatency { get; } = new();

        public LatencyHistogram StepLatency { get; } = new();

        public long Completed { get; private set; }

        public long Failed { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            for (long n = 0; !cancellationToken.IsCancellationRequested; n++)
            {
                if (phase() == MeasuredWindow.Stopped)
                {
                    return;
                }

                var id = string.Create(CultureInfo.InvariantCulture, $"{driver._options.Definition}-{index}-{n}");
                var start = Stopwatch.GetTimestamp();
                string? error = null;
                var json = "";
                try
                {
                    json = await driver.RunOneAsync(id, n, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    error = $"{ex.GetType().Name}: {ex.Message}";
                }

                // Counted when it ends inside the window (a saga slower than the warm-up still counts when it ends).
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (phase() != MeasuredWindow.Measuring)
                {
                    continue;
                }

                if (error is null)
                {
                    using var view = JsonDocument.Parse(json.Length > 0 ? json : "{}");
                    if (view.RootElement.TryGetProperty("state", out var state) && state.GetString() == "completed")
                    {
                        Completed++;
                        SagaLatency.Record((long)elapsed.TotalNanoseconds);
                        RecordSteps(view.RootElement, StepLatency);
                        continue;
                    }

                    error = $"{id} ended {(view.RootElement.TryGetProperty("state", out var s) ? s.GetString() : "without a view")}";
                }

                Failed++;
                FirstError ??= error;
            }
        }
    }
}

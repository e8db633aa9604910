using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load;

/// <summary>
/// Closed-loop bank transfers through <c>POST /v1/txn</c>: each transfer is one transaction
/// (<c>compare value(from) &gt;= amount</c>, <c>add from -amount</c>, <c>add to +amount</c>) between two distinct random
/// accounts. Only transfers that start and finish inside the measured window are counted. Afterwards the balances are
/// read in one transaction and their total checked (money is neither created nor lost).
/// </summary>
internal sealed class TransactionBankDriver : IDisposable
{
    private const int AccountsPerCall = 100;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly TransactionBankOptions _options;
    private readonly HttpClient _http;

    public TransactionBankDriver(TransactionBankOptions options)
    {
        _options = options;
        _http = BenchHttp.CreateClient(options.Url, options.Concurrency + 2, TimeSpan.FromSeconds(30));
    }

    /// <summary>Creates the transactional namespace (if missing) and opens every account with the initial balance.</summary>
    public async Task SetUpAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var ns = Uri.EscapeDataString(_options.Namespace);
        var body = $"{{\"shards\":{_options.Shards},\"transactional\":true}}";
        using (var response = await _http.PutAsync($"/v1/namespaces/{ns}", Content(body), cancellationToken))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"PUT /v1/namespaces/{_options.Namespace} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        // In chunks: one transaction holds at most Platform:Transactions:MaxOps (default 128) ops.
        foreach (var chunk in Enumerable.Range(0, _options.Accounts).Chunk(AccountsPerCall))
        {
            var puts = string.Join(',', chunk.Select(i =>
                $"{{\"op\":\"put\",\"key\":\"{TransactionBankOptions.AccountOf(i)}\",\"value\":\"{_options.Initial.ToString(CultureInfo.InvariantCulture)}\"}}"));
            var open = $"{{\"namespace\":{JsonSerializer.Serialize(_options.Namespace)},\"success\":[{puts}]}}";
            using var response = await _http.PostAsync("/v1/txn", Content(open), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"opening the accounts answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        log.WriteLine($"namespace {_options.Namespace}: {_options.Accounts} accounts of {_options.Initial} on {_options.Shards} transactional shards");
    }

    public async Task<TransactionBankResult> RunAsync(CancellationToken cancellationToken)
    {
        var phase = Phase.Warming;
        var workers = Enumerable.Range(0, _options.Concurrency).Select(i => new Worker(this, i)).ToArray();
        var tasks = workers.Select(w => Task.Run(() => w.RunAsync(() => Volatile.Read(ref phase), cancellationToken), cancellationToken)).ToArray();

        await Task.Delay(_options.Warmup, cancellationToken);
        var driverCpu = CpuTime.OfThisProcess();
        var serverCpu = ServerCpu();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase, Phase.Measuring);
        await Task.Delay(_options.Duration, cancellationToken);
        Volatile.Write(ref phase, Phase.Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        driverCpu = CpuTime.OfThisProcess() - driverCpu;
        serverCpu = ServerCpu() - serverCpu;
        await Task.WhenAll(tasks);

        var latency = new LatencyHistogram();
        var counts = new long[Enum.GetValues<TransactionOutcome>().Length];
        string? firstError = null;
        foreach (var worker in workers)
        {
            latency.Add(worker.Latency);
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] += worker.Counts[i];
            }

            firstError ??= worker.FirstError;
        }

        var (total, negative) = await ReadTotalAsync(cancellationToken);
        return new TransactionBankResult(_options, counts, elapsed, latency, firstError)
        {
            DriverCpu = driverCpu,
            ServerCpu = _options.ServerPids.Count > 0 ? serverCpu : null,
            FinalTotal = total,
            AnyNegative = negative,
        };
    }

    public void Dispose() => _http.Dispose();

    private static StringContent Content(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = Json;
        return content;
    }

    private TimeSpan ServerCpu() => _options.ServerPids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + CpuTime.OfProcess(pid));

    private string TransferBody(int from, int to, int amount)
    {
        var a = TransactionBankOptions.AccountOf(from);
        var b = TransactionBankOptions.AccountOf(to);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"namespace\":{JsonSerializer.Serialize(_options.Namespace)},\"compare\":[{{\"key\":\"{a}\",\"target\":\"value\",\"op\":\">=\",\"value\":\"{amount}\"}}],\"success\":[{{\"op\":\"add\",\"key\":\"{a}\",\"value\":\"{-amount}\"}},{{\"op\":\"add\",\"key\":\"{b}\",\"value\":\"{amount}\"}}]}}");
    }

    private async Task<(TransactionOutcome Outcome, string? Error)> TransferAsync(int from, int to, int amount, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync("/v1/txn", Content(TransferBody(from, to, amount)), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                using (var doc = JsonDocument.Parse(text))
                {
                    return doc.RootElement.GetProperty("succeeded").GetBoolean() ? (TransactionOutcome.Committed, null) : (TransactionOutcome.Insufficient, null);
                }

            case HttpStatusCode.Conflict:
                return (TransactionOutcome.Conflict, $"409: {Truncate(text)}");
            case HttpStatusCode.ServiceUnavailable:
                return (TransactionOutcome.Unavailable, $"503: {Truncate(text)}");
            default:
                return (TransactionOutcome.Other, $"{(int)response.StatusCode}: {Truncate(text)}");
        }
    }

    /// <summary>After the run (no transfer in flight): every balance, read in transactions of at most <see cref="AccountsPerCall"/>.</summary>
    private async Task<(long? Total, bool Negative)> ReadTotalAsync(CancellationToken cancellationToken)
    {
        var balances = new List<long>();
        foreach (var chunk in Enumerable.Range(0, _options.Accounts).Chunk(AccountsPerCall))
        {
            var gets = string.Join(',', chunk.Select(i => $"{{\"op\":\"get\",\"key\":\"{TransactionBankOptions.AccountOf(i)}\"}}"));
            var body = $"{{\"namespace\":{JsonSerializer.Serialize(_options.Namespace)},\"success\":[{gets}]}}";
            var read = false;
            for (var attempt = 0; attempt < 5 && !read; attempt++)
            {
                using var response = await _http.PostAsync("/v1/txn", Content(body), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    balances.AddRange(doc.RootElement.GetProperty("results").EnumerateArray()
                        .Select(r => long.Parse(r.GetProperty("value").GetString()!, CultureInfo.InvariantCulture)));
                    read = true;
                }
                else
                {
                    await Task.Delay(500, cancellationToken);
                }
            }

            if (!read)
            {
                return (null, false);
            }
        }

        return (balances.Sum(), balances.Any(b => b < 0));
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];

    private static class Phase
    {
        public const int Warming = 0;
        public const int Measuring = 1;
        public const int Stopped = 2;
    }

    private sealed class Worker(TransactionBankDriver driver, int index)
    {
        public LatencyHistogram Latency { get; } = new();

        public long[] Counts { get; } = new long[Enum.GetValues<TransactionOutcome>().Length];

        public string? FirstError { get; private set; }

        public async Task RunAsync(Func<int> phase, CancellationToken cancellationToken)
        {
            var random = new Random((index * 7919) + 1);
            var accounts = driver._options.Accounts;
            while (!cancellationToken.IsCancellationRequested)
            {
                var startPhase = phase();
                if (startPhase == Phase.Stopped)
                {
                    return;
                }

                var from = random.Next(accounts);
                var to = (from + 1 + random.Next(accounts - 1)) % accounts;
                var amount = random.Next(1, driver._options.MaxAmount + 1);
                var start = Stopwatch.GetTimestamp();
                TransactionOutcome outcome;
                string? error;
                try
                {
                    (outcome, error) = await driver.TransferAsync(from, to, amount, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    (outcome, error) = (TransactionOutcome.Other, $"{ex.GetType().Name}: {ex.Message}");
                }

                if (startPhase != Phase.Measuring || phase() != Phase.Measuring)
                {
                    continue;
                }

                Counts[(int)outcome]++;
                if (outcome == TransactionOutcome.Committed)
                {
                    Latency.RecordSince(start);
                }
                else if (error is not null)
                {
                    FirstError ??= error;
                }
            }
        }
    }
}

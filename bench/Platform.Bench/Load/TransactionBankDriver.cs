using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Platform.Sharding;
using Platform.Testing.Http;

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

    private readonly TransactionBankOptions _options;
    private readonly PlatformApiClient _api;

    public TransactionBankDriver(TransactionBankOptions options)
    {
        _options = options;
        _api = PlatformApiClient.Connect(options.Url, options.Concurrency + 2, TimeSpan.FromSeconds(30));
    }

    /// <summary>Creates the transactional namespace (if missing) and opens every account with the initial balance.</summary>
    public async Task SetUpAsync(TextWriter log, CancellationToken cancellationToken)
    {
        (await _api.CreateNamespaceAsync(_options.Namespace, _options.Shards, transactional: true, cancellationToken: cancellationToken)).ExpectSuccess();

        // In chunks: one transaction holds at most Platform:Transactions:MaxOps (default 128) ops.
        // Each chunk holds accounts of one shard (the namespace's ring), so opening costs one participant per
        // transaction, and several chunks go at once: a 100,000-account bank is about 1,000 of them.
        var ring = new HashRing(_options.Shards);
        var chunks = Enumerable.Range(0, _options.Accounts)
            .GroupBy(i => ring.ShardFor(TransactionBankOptions.AccountOf(i)))
            .SelectMany(shard => shard.Chunk(AccountsPerCall));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var puts = string.Join(',', chunk.Select(i =>
                $"{{\"op\":\"put\",\"key\":\"{TransactionBankOptions.AccountOf(i)}\",\"value\":\"{_options.Initial.ToString(CultureInfo.InvariantCulture)}\"}}"));
            var open = $"{{\"namespace\":{JsonSerializer.Serialize(_options.Namespace)},\"success\":[{puts}]}}";
            for (var attempt = 1; ; attempt++)
            {
                // Chunks on the same shards conflict now and then (409, nothing applied): send it again.
                var answer = await _api.TransactAsync(open, ct);
                if (answer.StatusCode != HttpStatusCode.Conflict || attempt == 10)
                {
                    answer.Expect(HttpStatusCode.OK);
                    break;
                }
            }
        });

        log.WriteLine($"namespace {_options.Namespace}: {_options.Accounts} accounts of {_options.Initial} on {_options.Shards} transactional shards");
    }

    public async Task<TransactionBankResult> RunAsync(CancellationToken cancellationToken)
    {
        var (workers, elapsed, driverCpu, serverCpu) = await MeasuredWindow.RunAsync(
            _options.Concurrency, (i, phase) => new Worker(this, i, phase), w => w.RunAsync(cancellationToken),
            _options.Warmup, _options.Duration, _options.ServerPids, cancellationToken);

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
            ServerCpu = serverCpu,
            FinalTotal = total,
            AnyNegative = negative,
        };
    }

    public void Dispose() => _api.Dispose();

    private string TransferBody(int from, int to, int amount)
    {
        var a = TransactionBankOptions.AccountOf(from);
        var b = TransactionBankOptions.AccountOf(to);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"namespace\":{JsonSerializer.Serialize(_options.Namespace)},\"compare\":[{{\"key\":\"{a}\",\"target\":\"value\",\"op\":\">=\",\"value\":\"{amount}\"}}],\"success\":[{{\"op\":\"add\",\"key\":\"{a}\",\"value\":\"{-amount}\"}},{{\"op\":\"add\",\"key\":\"{b}\",\"value\":\"{amount}\"}}]}}");
    }

    private async Task<(TransactionOutcome Outcome, string? Error)> TransferAsync(int from, int to, int amount, CancellationToken cancellationToken)
    {
        var answer = await _api.TransactAsync(TransferBody(from, to, amount), cancellationToken);
        return answer.StatusCode switch
        {
            HttpStatusCode.OK => (answer.Ok().Succeeded ? TransactionOutcome.Committed : TransactionOutcome.Insufficient, (string?)null),
            HttpStatusCode.Conflict => (TransactionOutcome.Conflict, answer.ToString()),
            HttpStatusCode.ServiceUnavailable => (TransactionOutcome.Unavailable, answer.ToString()),
            _ => (TransactionOutcome.Other, answer.ToString()),
        };
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
                var answer = await _api.TransactAsync(body, cancellationToken);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    balances.AddRange(answer.Ok().Results.Select(r => long.Parse(r.Value!, CultureInfo.InvariantCulture)));
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

    private sealed class Worker(TransactionBankDriver driver, int index, Func<int> phase)
    {
        public LatencyHistogram Latency { get; } = new();

        public long[] Counts { get; } = new long[Enum.GetValues<TransactionOutcome>().Length];

        public string? FirstError { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var random = new Random((index * 7919) + 1);
            var accounts = driver._options.Accounts;
            while (!cancellationToken.IsCancellationRequested)
            {
                var startPhase = phase();
                if (startPhase == MeasuredWindow.Stopped)
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

                if (startPhase != MeasuredWindow.Measuring || phase() != MeasuredWindow.Measuring)
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

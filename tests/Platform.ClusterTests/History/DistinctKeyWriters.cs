using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Platform.Testing.Http;

namespace Platform.ClusterTests.History;

/// <summary>
/// Writers that each create fresh keys (<c>w{writer}-{seq}</c>) in one namespace as fast as answers come, recording
/// every acknowledged write (201, ETag "1") and every unknown outcome (no answer, 502-504); any other answer is a
/// definite wrong answer and stops the workload. <see cref="ReadBackAsync"/> then says which acknowledged writes are gone.
/// </summary>
public sealed class DistinctKeyWriters(string ns)
{
    private readonly ConcurrentQueue<AcknowledgedWrite> _acked = new();
    private readonly ConcurrentQueue<string> _unknown = new();

    /// <summary>The run's clock: started with the writers, every <see cref="AcknowledgedWrite"/> offset is on it.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public IReadOnlyCollection<AcknowledgedWrite> Acked => _acked;

    public IReadOnlyCollection<string> Unknown => _unknown;

    /// <summary>Starts <paramref name="writers"/> writer loops on <paramref name="workload"/>.</summary>
    public void Start(ClientWorkload workload, PlatformApiClient kv, int writers)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(kv);
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            workload.Start(async stop =>
            {
                for (var seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var key = string.Create(CultureInfo.InvariantCulture, $"w{writer}-{seq:D5}");
                    var value = string.Create(CultureInfo.InvariantCulture, $"{key}@{Clock.ElapsedMilliseconds}");
                    var sent = Clock.Elapsed;

                    // Not cancelled by the stop: a write in flight finishes, so its outcome is known or recorded unknown.
                    var r = await kv.PutKeyAsync(ns, key, value, cancellationToken: CancellationToken.None);
                    if (r is { Status: 201, Version: 1 })
                    {
                        _acked.Enqueue(new AcknowledgedWrite(key, value, sent, Clock.Elapsed));
                    }
                    else if (ApiOutcome.IsUnknown(r))
                    {
                        _unknown.Enqueue($"{key} sent at {sent.TotalSeconds:F2} s, answered at {Clock.Elapsed.TotalSeconds:F2} s: {r}");
                    }
                    else
                    {
                        throw ApiOutcome.Unexpected(r, $"create {key}", "a first write of a fresh key answers 201 with ETag \"1\" or (unknown) 502/503/504/no answer");
                    }
                }
            });
        }
    }

    /// <summary>Reads every acknowledged write back; returns those that are gone or changed.</summary>
    public async Task<List<string>> ReadBackAsync(PlatformApiClient api, KeyValueConditions? conditions = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var lost = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(_acked, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (a, ct) =>
        {
            var r = await api.GetKeyAsync(ns, a.Key, conditions, ct);
            if (!r.IsSuccess || r.Text != a.Value)
            {
                lost.Enqueue($"{a.Key} acknowledged at {a.At.TotalSeconds:F2} s with '{a.Value}', read back {r}");
            }
        });
        return [.. lost];
    }
}

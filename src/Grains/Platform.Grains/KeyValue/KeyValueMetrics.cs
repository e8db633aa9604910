using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Sharding;
using Platform.Telemetry;

namespace Platform.KeyValue;

/// <summary>
/// The key-value block's shard figures on this silo (label <c>namespace</c>): live keys
/// (<c>platform.kv.shard.keys</c>), value bytes (<c>platform.kv.shard.bytes</c>) and active shards
/// (<c>platform.kv.shards</c>), summed over the shards active here. Operations and their latency are counted for
/// every block by <see cref="GrainCallMetrics"/> (<c>platform.kv.operations</c>, <c>platform.kv.duration</c>).
/// </summary>
public sealed class KeyValueMetrics
{
    private readonly ConcurrentDictionary<string, (string Namespace, long Keys, long Bytes)> _shards = new(StringComparer.Ordinal);
    private readonly LabelNames _names = new();

    /// <summary>Creates the gauges on the Platform meter.</summary>
    public KeyValueMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        meter.CreateObservableGauge("platform.kv.shard.keys", () => Sum(s => s.Keys), "{key}", "Live keys in the key-value shards active on this silo.");
        meter.CreateObservableGauge("platform.kv.shard.bytes", () => Sum(s => s.Bytes), "By", "Value bytes in the key-value shards active on this silo.");
        meter.CreateObservableGauge("platform.kv.shards", () => Sum(_ => 1), "{shard}", "Key-value shards active on this silo.");
    }

    /// <summary>A shard's current figures (after its activation and each write).</summary>
    public void Report(ShardId shard, long keys, long bytes) => _shards[shard.ToGrainKey()] = (_names.Of(shard.Namespace), keys, bytes);

    /// <summary>A shard left this silo.</summary>
    public void Remove(ShardId shard) => _shards.TryRemove(shard.ToGrainKey(), out _);

    private List<Measurement<long>> Sum(Func<(string Namespace, long Keys, long Bytes), long> figure) =>
        _shards.Values.GroupBy(s => s.Namespace, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(figure), new KeyValuePair<string, object?>("namespace", g.Key)))
            .ToList();
}

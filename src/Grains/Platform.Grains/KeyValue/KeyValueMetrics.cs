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
public sealed class KeyValueMetrics(IMeterFactory meters)
{
    private readonly ShardGauges _shards = new BlockInstruments(meters, "kv", "namespace").ShardGauges("key-value shards", "shards");

    /// <summary>A shard's current figures (after its activation and each write).</summary>
    public void Report(ShardId shard, long keys, long bytes) => _shards.Report(shard.ToGrainKey(), shard.Namespace, keys, bytes);

    /// <summary>A shard left this silo.</summary>
    public void Remove(ShardId shard) => _shards.Remove(shard.ToGrainKey());
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Platform.Telemetry;

/// <summary>
/// Live keys and value bytes of one block's shards active on this silo, summed by name label (namespace): each
/// shard reports its figures after it changes and is removed when it leaves (<see cref="BlockInstruments.ShardGauges"/>).
/// </summary>
public sealed class ShardGauges
{
    private readonly ConcurrentDictionary<string, (string Name, long Keys, long Bytes)> _shards = new(StringComparer.Ordinal);
    private readonly string _label;
    private readonly LabelNames _names;

    internal ShardGauges(Meter meter, string prefix, string shards, string? countName, string label, LabelNames names)
    {
        _label = label;
        _names = names;
        meter.CreateObservableGauge($"{prefix}.shard.keys", () => Sum(s => s.Keys), "{key}", $"Live keys in the {shards} active on this silo.");
        meter.CreateObservableGauge($"{prefix}.shard.bytes", () => Sum(s => s.Bytes), "By", $"Value bytes in the {shards} active on this silo.");
        if (countName is not null)
        {
            meter.CreateObservableGauge($"{prefix}.{countName}", () => Sum(_ => 1), "{shard}", $"The {shards} active on this silo.");
        }
    }

    /// <summary>The current figures of the shard (or replica) whose grain key is <paramref name="grainKey"/>.</summary>
    public void Report(string grainKey, string name, long keys, long bytes) => _shards[grainKey] = (_names.Of(name), keys, bytes);

    /// <summary>The shard left this silo.</summary>
    public void Remove(string grainKey) => _shards.TryRemove(grainKey, out _);

    private List<Measurement<long>> Sum(Func<(string Name, long Keys, long Bytes), long> figure) =>
        [.. _shards.Values.GroupBy(s => s.Name, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(figure), new KeyValuePair<string, object?>(_label, g.Key)))];
}

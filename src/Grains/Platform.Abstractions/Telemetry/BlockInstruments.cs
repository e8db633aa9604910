using System.Diagnostics.Metrics;

namespace Platform.Telemetry;

/// <summary>
/// One building block's instruments on the <see cref="PlatformMeter"/>: each is named <c>platform.{block}.{name}</c>
/// and labelled with the block's name label (<c>namespace</c>, <c>lock</c>, <c>topic</c>, <c>cache</c>, ...), whose
/// values one <see cref="LabelNames"/> bounds for all of them, so a name is either itself or <c>_other</c> in every
/// instrument of the block (a hit ratio never mixes the two). Each block's <c>&lt;Block&gt;Metrics</c> singleton
/// creates one and keeps what it hands out.
/// </summary>
public sealed class BlockInstruments
{
    private readonly Meter _meter;
    private readonly string _prefix;
    private readonly string _label;
    private readonly LabelNames _names = new();

    /// <summary>The instruments of <paramref name="block"/> (the metric prefix) with <paramref name="label"/> as their name label.</summary>
    public BlockInstruments(IMeterFactory meters, string block, string label)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(PlatformMeter.Name);
        _prefix = $"platform.{block}";
        _label = label;
    }

    /// <summary>The bounded label value of <paramref name="name"/>, for a block's own observable gauges.</summary>
    public string Name(string name) => _names.Of(name);

    /// <summary>A counter <c>platform.{block}.{name}</c>.</summary>
    public NamedCounter Counter(string name, string unit, string description) =>
        new(_meter.CreateCounter<long>($"{_prefix}.{name}", unit, description), _label, _names);

    /// <summary>A histogram <c>platform.{block}.{name}</c>, in <paramref name="unit"/>.</summary>
    public NamedHistogram<T> Histogram<T>(string name, string unit, string description)
        where T : struct =>
        new(_meter.CreateHistogram<T>($"{_prefix}.{name}", unit, description), _label, _names);

    /// <summary>A duration histogram <c>platform.{block}.{name}</c> in seconds.</summary>
    public NamedHistogram<double> Seconds(string name, string description) => Histogram<double>(name, "s", description);

    /// <summary>
    /// The gauges of the shards active on this silo: <c>platform.{block}.shard.keys</c> and <c>.shard.bytes</c>,
    /// and, when <paramref name="countName"/> is given, <c>platform.{block}.{countName}</c> counting them.
    /// </summary>
    public ShardGauges ShardGauges(string shards, string? countName) => new(_meter, _prefix, shards, countName, _label, _names);

    /// <summary>An observable gauge <c>platform.{block}.{name}</c> the block measures itself (label values through <see cref="Name"/>).</summary>
    public void Gauge(string name, Func<IEnumerable<Measurement<long>>> measure, string unit, string description) =>
        _meter.CreateObservableGauge($"{_prefix}.{name}", measure, unit, description);
}

using System.Diagnostics.Metrics;

namespace Platform.Telemetry;

/// <summary>A histogram labelled with its block's bounded name label (<see cref="BlockInstruments.Histogram{T}"/>).</summary>
/// <typeparam name="T">The measurement type: <see cref="double"/> seconds, <see cref="long"/> records, ...</typeparam>
public sealed class NamedHistogram<T> : NamedInstrument
    where T : struct
{
    private readonly Histogram<T> _histogram;

    internal NamedHistogram(Histogram<T> histogram, string label, LabelNames names)
        : base(label, names) => _histogram = histogram;

    /// <summary>Records <paramref name="value"/> under <paramref name="name"/> and the fixed-vocabulary <paramref name="labels"/>.</summary>
    public void Record(string name, T value, params ReadOnlySpan<(string Key, string Value)> labels) =>
        _histogram.Record(value, Tags(name, labels));
}

using System.Diagnostics.Metrics;

namespace Platform.Telemetry;

/// <summary>A counter labelled with its block's bounded name label (<see cref="BlockInstruments.Counter"/>).</summary>
public sealed class NamedCounter : NamedInstrument
{
    private readonly Counter<long> _counter;

    internal NamedCounter(Counter<long> counter, string label, LabelNames names)
        : base(label, names) => _counter = counter;

    /// <summary>
    /// Adds <paramref name="value"/> under <paramref name="name"/> and the fixed-vocabulary <paramref name="labels"/>
    /// (op, outcome, reason, ...: never keys or ids). Nothing is recorded for a value of zero or less.
    /// </summary>
    public void Add(string name, long value = 1, params ReadOnlySpan<(string Key, string Value)> labels)
    {
        if (value > 0)
        {
            _counter.Add(value, Tags(name, labels));
        }
    }
}

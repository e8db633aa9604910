using System.Diagnostics;

namespace Platform.Telemetry;

/// <summary>
/// What <see cref="NamedCounter"/> and <see cref="NamedHistogram{T}"/> share: each measurement's tags are the
/// block's name label, bounded by the block's <see cref="LabelNames"/>, then the fixed-vocabulary labels.
/// </summary>
public abstract class NamedInstrument
{
    private readonly string _label;
    private readonly LabelNames _names;

    private protected NamedInstrument(string label, LabelNames names)
    {
        _label = label;
        _names = names;
    }

    private protected TagList Tags(string name, ReadOnlySpan<(string Key, string Value)> labels)
    {
        var tags = new TagList { { _label, _names.Of(name) } };
        foreach (var (key, value) in labels)
        {
            tags.Add(key, value);
        }

        return tags;
    }
}

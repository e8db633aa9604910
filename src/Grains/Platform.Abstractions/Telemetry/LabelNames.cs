using System.Collections.Concurrent;

namespace Platform.Telemetry;

/// <summary>
/// Keeps one label's cardinality bounded: the first <see cref="PlatformMeter.MaxNamesPerLabel"/> distinct names
/// pass unchanged, every later one becomes <see cref="PlatformMeter.OtherName"/>. One instance per label, held by
/// a DI singleton.
/// </summary>
public sealed class LabelNames(int max = PlatformMeter.MaxNamesPerLabel)
{
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    /// <summary>The label value for <paramref name="name"/>.</summary>
    public string Of(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        if (_seen.ContainsKey(name))
        {
            return name;
        }

        if (_seen.Count >= max)
        {
            return PlatformMeter.OtherName;
        }

        _seen.TryAdd(name, 0);
        return name;
    }
}

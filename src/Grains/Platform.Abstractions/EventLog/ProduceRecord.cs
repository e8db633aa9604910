namespace Platform.EventLog;

/// <summary>One record to append: a key (null: keyless), a value (null: a tombstone for compaction) and headers.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ProduceRecord")]
public sealed record ProduceRecord
{
    [Id(0)] public string? Key { get; init; }

    [Id(1)] public byte[]? Value { get; init; }

    [Id(2)] public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The partition to append to; null lets the client pick (the ring for a key, else round-robin or sticky).</summary>
    [Id(3)] public int? Partition { get; init; }

    /// <summary>The bytes a record counts against the limits: key, value and header names and values in UTF-8.</summary>
    public int Size()
    {
        var size = (Key is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(Key)) + (Value?.Length ?? 0);
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            size += System.Text.Encoding.UTF8.GetByteCount(name) + System.Text.Encoding.UTF8.GetByteCount(value);
        }

        return size;
    }
}

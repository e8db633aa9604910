using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>
/// One replica's copy of a shard: the state machine its group's log drives. Applying a command decides the write
/// exactly as a key-value shard does (<see cref="KeyValueWriteRules.Decide"/>, on the time and tokens in the
/// command), so every replica that applies the same log holds the same keys, versions, tombstones and fence records.
/// A write's request id is remembered for the dedup window (by command time), so a retried write applies once and
/// answers its first outcome. Snapshots are this whole state, ids included.
/// </summary>
internal sealed class ReplicatedKeyValueState(TimeSpan dedupWindow)
{
    private const byte Version = 1;

    private readonly Dictionary<string, KeyValueEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _sorted = [];
    private readonly Dictionary<Guid, KeyValueWriteResult> _results = [];
    private readonly Queue<(Guid Id, long Ticks)> _resultOrder = new();

    public long Keys => _sorted.Count;

    public long Bytes { get; private set; }

    /// <summary>A live entry (null for absent and for tombstones).</summary>
    public KeyValueEntry? Get(string key) => KeyValueWriteRules.Live(_entries.GetValueOrDefault(key));

    /// <summary>The entry as stored, tombstones included (what a decision starts from).</summary>
    public KeyValueEntry? Stored(string key) => _entries.GetValueOrDefault(key);

    /// <summary>The first outcome of a request id, if it applied within the dedup window.</summary>
    public KeyValueWriteResult? ResultOf(Guid requestId) => _results.GetValueOrDefault(requestId);

    public List<KeyValueEntry> GetMany(IReadOnlyList<string> keys)
    {
        var found = new List<KeyValueEntry>(keys.Count);
        foreach (var key in keys)
        {
            if (Get(key) is { } entry)
            {
                found.Add(entry);
            }
        }

        return found;
    }

    public List<KeyValueKeyInfo> List(string prefix, string? after, int limit)
    {
        var page = new List<KeyValueKeyInfo>(Math.Min(Math.Max(limit, 0), 256));
        var start = after is not null && string.CompareOrdinal(after, prefix) >= 0 ? UpperBound(after) : LowerBound(prefix);
        for (var i = start; i < _sorted.Count && page.Count < limit; i++)
        {
            var key = _sorted[i];
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            var entry = _entries[key];
            page.Add(new KeyValueKeyInfo(key, entry.Version, entry.Value.Length));
        }

        return page;
    }

    /// <summary>Applies one committed command; returns its outcome (the first outcome, for a repeated request id).</summary>
    public KeyValueWriteResult Apply(ReplicaCommand command)
    {
        if (_results.TryGetValue(command.RequestId, out var earlier))
        {
            return earlier;
        }

        var result = Decide(Stored(command.Request.Key), command, out var next);
        if (next is not null)
        {
            Set(next);
        }

        Remember(command.RequestId, result, command.Now);
        return result;
    }

    /// <summary>The decision of <paramref name="command"/> on <paramref name="stored"/> (no change made).</summary>
    public static KeyValueWriteResult Decide(KeyValueEntry? stored, ReplicaCommand command, out KeyValueEntry? next) =>
        KeyValueWriteRules.Decide(stored, command.Request, command.LockTokens, new KeyValueOptions { MaxFencesPerKey = command.MaxFences }, command.Now, out next);

    public byte[] Snapshot()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        writer.Write(_entries.Count);
        foreach (var entry in _entries.Values)
        {
            ReplicaCodec.WriteEntry(writer, entry);
        }

        writer.Write(_resultOrder.Count);
        foreach (var (id, ticks) in _resultOrder)
        {
            writer.Write(id.ToByteArray());
            writer.Write(ticks);
            ReplicaCodec.WriteResult(writer, _results[id]);
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Replaces everything by a snapshot (empty bytes: the empty state of a new group).</summary>
    public void Restore(byte[] snapshot)
    {
        _entries.Clear();
        _sorted.Clear();
        _results.Clear();
        _resultOrder.Clear();
        Bytes = 0;
        if (snapshot.Length == 0)
        {
            return;
        }

        using var reader = new BinaryReader(new MemoryStream(snapshot, writable: false));
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Unknown replica snapshot version {version}.");
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            Set(ReplicaCodec.ReadEntry(reader));
        }

        var results = reader.ReadInt32();
        for (var i = 0; i < results; i++)
        {
            var id = new Guid(reader.ReadBytes(16));
            var ticks = reader.ReadInt64();
            _results[id] = ReplicaCodec.ReadResult(reader);
            _resultOrder.Enqueue((id, ticks));
        }
    }

    private void Remember(Guid id, KeyValueWriteResult result, DateTimeOffset now)
    {
        var horizon = (now - dedupWindow).UtcTicks;
        while (_resultOrder.TryPeek(out var oldest) && oldest.Ticks < horizon)
        {
            _resultOrder.Dequeue();
            _results.Remove(oldest.Id);
        }

        if (_results.TryAdd(id, result))
        {
            _resultOrder.Enqueue((id, now.UtcTicks));
        }
    }

    private void Set(KeyValueEntry entry)
    {
        var key = entry.Key;
        var wasLive = _entries.TryGetValue(key, out var previous) && !previous.Deleted;
        var isLive = !entry.Deleted;
        if (wasLive)
        {
            Bytes -= previous!.Value.Length;
        }

        if (isLive && !wasLive)
        {
            _sorted.Insert(LowerBound(key), key);
        }
        else if (!isLive && wasLive)
        {
            _sorted.RemoveAt(LowerBound(key));
        }

        _entries[key] = entry;
        if (isLive)
        {
            Bytes += entry.Value.Length;
        }
    }

    private int LowerBound(string key)
    {
        var index = _sorted.BinarySearch(key, StringComparer.Ordinal);
        return index < 0 ? ~index : index;
    }

    private int UpperBound(string key)
    {
        var index = _sorted.BinarySearch(key, StringComparer.Ordinal);
        return index < 0 ? ~index : index + 1;
    }
}

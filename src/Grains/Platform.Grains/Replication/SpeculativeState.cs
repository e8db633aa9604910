using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>
/// A leader's view of its shard including the entries it has appended but not yet applied: what acknowledges a write
/// of an <c>ack=one</c> or <c>ack=leader</c> namespace before it commits. Applying the same log prefix gives the same
/// decisions, so an entry that does commit where it was appended answers what was acknowledged; one that does not
/// is a lost acknowledged write, which those levels allow.
/// </summary>
internal sealed class SpeculativeState(ReplicatedKeyValueState applied)
{
    private readonly Dictionary<string, (KeyValueEntry? Entry, long Index)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, (KeyValueWriteResult Result, long Index)> _results = [];

    /// <summary>Decides the command appended at <paramref name="index"/> on top of everything appended before it.</summary>
    public KeyValueWriteResult Decide(long index, ReplicaCommand command)
    {
        if (_results.TryGetValue(command.RequestId, out var pending))
        {
            return pending.Result;
        }

        if (applied.ResultOf(command.RequestId) is { } earlier)
        {
            return earlier;
        }

        var key = command.Request.Key;
        var stored = _keys.TryGetValue(key, out var overlay) ? overlay.Entry : applied.Stored(key);
        var result = ReplicatedKeyValueState.Decide(stored, command, out var next);
        if (next is not null)
        {
            _keys[key] = (next, index);
        }

        _results[command.RequestId] = (result, index);
        return result;
    }

    /// <summary>The applied state now covers everything up to <paramref name="index"/>.</summary>
    public void AppliedTo(long index)
    {
        if (_keys.Count > 0)
        {
            foreach (var key in _keys.Where(k => k.Value.Index <= index).Select(k => k.Key).ToList())
            {
                _keys.Remove(key);
            }
        }

        if (_results.Count > 0)
        {
            foreach (var id in _results.Where(r => r.Value.Index <= index).Select(r => r.Key).ToList())
            {
                _results.Remove(id);
            }
        }
    }

    public void Clear()
    {
        _keys.Clear();
        _results.Clear();
    }
}

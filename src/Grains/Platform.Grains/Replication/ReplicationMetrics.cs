using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Replication;

/// <summary>
/// The replica groups' figures on this silo (label <c>namespace</c>): replicas by role
/// (<c>platform.replication.replicas</c>, label <c>role</c>), the highest Raft term a leader here holds
/// (<c>platform.replication.term</c>), entries committed but not yet applied (<c>platform.replication.apply.lag</c>),
/// leadership changes (<c>platform.replication.leader.changes</c>), and the live keys and value bytes the replicas
/// here hold (<c>platform.replication.shard.keys</c>, <c>.shard.bytes</c>: every replica holds a full copy of its
/// shard, so a leader and its followers each count it on their silos).
/// </summary>
public sealed class ReplicationMetrics
{
    private readonly ConcurrentDictionary<string, (string Namespace, string Role, long Term, long Lag)> _replicas = new(StringComparer.Ordinal);
    private readonly BlockInstruments _replication;
    private readonly NamedCounter _changes;
    private readonly ShardGauges _shards;

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public ReplicationMetrics(IMeterFactory meters)
    {
        _replication = new BlockInstruments(meters, "replication", "namespace");
        _changes = _replication.Counter("leader.changes", "{change}", "Replicas here that became leader of their group.");
        _shards = _replication.ShardGauges("replicas of replicated shards", countName: null);
        _replication.Gauge("replicas", Replicas, "{replica}", "Replicas active on this silo, by role.");
        _replication.Gauge("term", Terms, "{term}", "Highest Raft term of a leader on this silo.");
        _replication.Gauge("apply.lag", Lags, "{entry}", "Entries committed but not yet applied, summed over replicas here.");
    }

    /// <summary>A replica's current figures (after each Raft step).</summary>
    public void Report(ReplicaId replica, string role, long term, long commitIndex, long appliedIndex, bool becameLeader, long keys, long bytes)
    {
        var key = replica.ToGrainKey();
        var ns = replica.Shard.Namespace;
        _replicas[key] = (_replication.Name(ns), role, term, Math.Max(0, commitIndex - appliedIndex));
        _shards.Report(key, ns, keys, bytes);
        if (becameLeader)
        {
            _changes.Add(ns);
        }
    }

    /// <summary>A replica left this silo.</summary>
    public void Remove(ReplicaId replica)
    {
        var key = replica.ToGrainKey();
        _replicas.TryRemove(key, out _);
        _shards.Remove(key);
    }

    private List<Measurement<long>> Replicas() =>
        [.. _replicas.Values.GroupBy(r => (r.Namespace, r.Role))
            .Select(g => new Measurement<long>(g.LongCount(), new("namespace", g.Key.Namespace), new("role", g.Key.Role)))];

    private List<Measurement<long>> Terms() =>
        [.. _replicas.Values.Where(r => r.Role == "leader").GroupBy(r => r.Namespace, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Max(r => r.Term), new KeyValuePair<string, object?>("namespace", g.Key)))];

    private List<Measurement<long>> Lags() =>
        [.. _replicas.Values.GroupBy(r => r.Namespace, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(r => r.Lag), new KeyValuePair<string, object?>("namespace", g.Key)))];
}

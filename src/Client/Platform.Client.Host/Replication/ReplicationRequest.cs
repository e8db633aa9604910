using Platform.Replication;

namespace Platform.Client.Host.Replication;

/// <summary>
/// <c>"replication"</c> in <c>PUT /v1/namespaces/{ns}</c>: <c>mode</c> (leader, quorum, multi-leader), <c>replicas</c>
/// (1-7, default 3), <c>ack</c> (leader mode: majority, all, one, leader; default majority), <c>consistency</c> (the
/// reads' default), <c>w</c> and <c>r</c> (quorum mode, 1..replicas, default a majority each), <c>conflicts</c>
/// (multi-leader mode: lww, siblings, crdt; default lww).
/// </summary>
public sealed record ReplicationRequest(ReplicationMode? Mode, int? Replicas, ReplicationAck? Ack, ReadConsistency? Consistency, int? W = null, int? R = null, ConflictMode? Conflicts = null)
{
    public ReplicationSettings ToSettings()
    {
        var mode = Mode ?? ReplicationMode.Leader;
        var replicas = Replicas ?? 3;
        var majority = (replicas / 2) + 1;
        return new()
        {
            Mode = mode,
            Replicas = replicas,
            Ack = Ack ?? ReplicationAck.Majority,
            Consistency = Consistency ?? (mode == ReplicationMode.Leader ? ReadConsistency.Strong : mode == ReplicationMode.Quorum ? ReadConsistency.Quorum : ReadConsistency.All),
            W = W ?? (mode == ReplicationMode.Quorum ? majority : 0),
            R = R ?? (mode == ReplicationMode.Quorum ? majority : 0),
            Conflicts = Conflicts ?? (mode == ReplicationMode.MultiLeader ? ConflictMode.Lww : null),
        };
    }
}

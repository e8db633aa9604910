using Platform.Replication;

namespace Platform.Client.Host.Replication;

/// <summary>
/// <c>"replication"</c> in <c>PUT /v1/namespaces/{ns}</c>: <c>mode</c> (leader), <c>replicas</c> (1-7, default 3),
/// <c>ack</c> (majority, all, one, leader; default majority), <c>consistency</c> (the reads' default: strong, session,
/// eventual; default strong).
/// </summary>
public sealed record ReplicationRequest(ReplicationMode? Mode, int? Replicas, ReplicationAck? Ack, ReadConsistency? Consistency)
{
    public ReplicationSettings ToSettings() => new()
    {
        Mode = Mode ?? ReplicationMode.Leader,
        Replicas = Replicas ?? 3,
        Ack = Ack ?? ReplicationAck.Majority,
        Consistency = Consistency ?? ReadConsistency.Strong,
    };
}

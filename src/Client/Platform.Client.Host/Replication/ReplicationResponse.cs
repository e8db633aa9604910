using Platform.Replication;

namespace Platform.Client.Host.Replication;

public sealed record ReplicationResponse(ReplicationMode Mode, int Replicas, ReplicationAck Ack, ReadConsistency Consistency)
{
    public static ReplicationResponse? From(ReplicationSettings? s) => s is null ? null : new(s.Mode, s.Replicas, s.Ack, s.Consistency);
}

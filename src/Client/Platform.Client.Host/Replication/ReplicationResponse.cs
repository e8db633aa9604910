using Platform.Replication;

namespace Platform.Client.Host.Replication;

/// <summary>A namespace's replication settings; <c>quorums</c> (quorum mode) says whether read and write quorums overlap (W + R &gt; N).</summary>
public sealed record ReplicationResponse(
    ReplicationMode Mode,
    int Replicas,
    ReplicationAck Ack,
    ReadConsistency Consistency,
    int? W = null,
    int? R = null,
    ConflictMode? Conflicts = null,
    string? Quorums = null)
{
    public static ReplicationResponse? From(ReplicationSettings? s) => s is null ? null : s.Mode switch
    {
        ReplicationMode.Quorum => new(s.Mode, s.Replicas, s.Ack, s.Consistency, s.W, s.R, null,
            s.OverlappingQuorums ? "overlapping quorums (w + r > replicas): a quorum read sees every write acknowledged before it started" : "non-overlapping quorums (w + r <= replicas): a read may miss acknowledged writes"),
        ReplicationMode.MultiLeader => new(s.Mode, s.Replicas, s.Ack, s.Consistency, Conflicts: s.Conflicts),
        _ => new(s.Mode, s.Replicas, s.Ack, s.Consistency),
    };
}

namespace Platform.Replication;

/// <summary>When a write to a replicated namespace is acknowledged (<c>replication.ack</c>).</summary>
[GenerateSerializer, Alias("Platform.ReplicationAck")]
public enum ReplicationAck
{
    /// <summary>Once a majority of the group has it in its log (Raft commit): no acknowledged write is lost while a majority lives.</summary>
    Majority = 0,

    /// <summary>Synchronous: once every replica has it; one slow or dead replica blocks writes (503 after the write timeout).</summary>
    All = 1,

    /// <summary>Semi-synchronous: once the leader and at least one follower have it.</summary>
    One = 2,

    /// <summary>Asynchronous: once the leader's own log has it; acknowledged writes can be lost when the leader dies.</summary>
    Leader = 3,
}

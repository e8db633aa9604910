namespace Platform.Replication;

/// <summary>What a replica does in its group right now, as the shard map and read answers report it.</summary>
[GenerateSerializer, Alias("Platform.ReplicaRole")]
public enum ReplicaRole
{
    Follower = 0,

    /// <summary>Leads its group in its term.</summary>
    Leader = 1,

    /// <summary>Asks for votes.</summary>
    Candidate = 2,

    /// <summary>Receives the log but neither votes nor counts: a new incarnation until the group promotes it.</summary>
    Learner = 3,

    /// <summary>A replica of a quorum or multi-leader group: every replica is equal.</summary>
    Peer = 4,
}

namespace Platform.Replication;

/// <summary>How a replica answered a call. Outcomes travel as values: they are expected answers, not errors.</summary>
[GenerateSerializer, Alias("Platform.ReplicaCallStatus")]
public enum ReplicaCallStatus
{
    Ok = 0,

    /// <summary>This replica does not lead its group; <c>LeaderHint</c> names the one it follows, if any.</summary>
    NotLeader = 1,

    /// <summary>A session read: this replica has not applied the index the session names (within the wait).</summary>
    Behind = 2,

    /// <summary>The shard's namespace generation is gone: refresh routing.</summary>
    NamespaceGone = 3,

    /// <summary>
    /// The write was not acknowledged in time (leadership lost, no quorum, a replica missing for <c>ack=all</c>): it
    /// may or may not apply. Retrying with the same request id is safe (it applies at most once).
    /// </summary>
    Unavailable = 4,
}

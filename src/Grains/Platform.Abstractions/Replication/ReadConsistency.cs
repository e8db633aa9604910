namespace Platform.Replication;

/// <summary>What a read of a replicated namespace promises (<c>Platform-Consistency</c>).</summary>
[GenerateSerializer, Alias("Platform.ReadConsistency")]
public enum ReadConsistency
{
    /// <summary>Linearizable: served by the leader after it confirmed its leadership (ReadIndex).</summary>
    Strong = 0,

    /// <summary>Read-your-writes and monotonic reads within a session token: any replica that has applied what the token names.</summary>
    Session = 1,

    /// <summary>Any replica, now: may be stale.</summary>
    Eventual = 2,

    /// <summary>Quorum and multi-leader namespaces: one replica's answer.</summary>
    One = 3,

    /// <summary>Quorum namespaces: a majority of the replicas (the namespace's R when the request names no level), newest wins, stale ones repaired before the answer.</summary>
    Quorum = 4,

    /// <summary>Quorum and multi-leader namespaces: every replica.</summary>
    All = 5,
}

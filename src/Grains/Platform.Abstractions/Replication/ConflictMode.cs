namespace Platform.Replication;

/// <summary>How a multi-leader namespace resolves concurrent writes (<c>replication.conflicts</c>).</summary>
[GenerateSerializer, Alias("Platform.ConflictMode")]
public enum ConflictMode
{
    /// <summary>Last write wins: the highest hybrid logical clock reading; the other concurrent writes are discarded.</summary>
    Lww = 0,

    /// <summary>Dotted version vectors: concurrent writes are kept as siblings until a write that has seen them replaces them.</summary>
    Siblings = 1,

    /// <summary>Typed CRDTs (PN-counter, OR-set, LWW-register) through their own routes.</summary>
    Crdt = 2,
}

namespace Platform.Replication.Crdt;

/// <summary>Which replicated data type a key's state is.</summary>
public enum KeyStateKind
{
    /// <summary>A last-write-wins value (quorum namespaces, multi-leader <c>lww</c>, the CRDT namespaces' LWW-register).</summary>
    Lww = 0,

    /// <summary>A multi-value register: concurrent writes kept as siblings (multi-leader <c>siblings</c>).</summary>
    Siblings = 1,

    /// <summary>A PN-counter.</summary>
    Counter = 2,

    /// <summary>An add-wins observed-remove set of strings.</summary>
    Set = 3,
}

namespace Platform.Replication.Raft;

/// <summary>What a log entry carries.</summary>
public enum EntryKind : byte
{
    /// <summary>An application command (opaque bytes the state machine applies).</summary>
    Command = 0,

    /// <summary>The empty entry a new leader appends, so that it commits an entry of its own term.</summary>
    Noop = 1,

    /// <summary>A new group configuration; it takes effect on every node as soon as it is in the node's log.</summary>
    Config = 2,
}

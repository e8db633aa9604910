namespace Platform.Replication.Raft;

/// <summary>How a leader replicates to one member.</summary>
public enum ProgressState
{
    /// <summary>Looking for where the member's log matches: one Append at a time.</summary>
    Probe = 0,

    /// <summary>Streaming: Appends sent ahead of answers, up to <see cref="RaftOptions.MaxInflight"/>.</summary>
    Replicate = 1,

    /// <summary>The entries it needs are compacted: a snapshot is on its way.</summary>
    Snapshot = 2,
}

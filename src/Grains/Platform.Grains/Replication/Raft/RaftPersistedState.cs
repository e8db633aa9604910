namespace Platform.Replication.Raft;

/// <summary>What a node had in storage when it stopped: a restart from it keeps its incarnation.</summary>
public sealed record RaftPersistedState(HardState HardState, RaftSnapshot? Snapshot, IReadOnlyList<LogEntry> Entries);

namespace Platform.Replication.Raft;

/// <summary>Where a snapshot stands: the last entry it includes and the configuration as of that entry.</summary>
public sealed record RaftSnapshotMeta(long Index, long Term, RaftConfiguration Config);

/// <summary>A state machine snapshot (opaque bytes) with the log position it replaces.</summary>
public sealed record RaftSnapshot(RaftSnapshotMeta Meta, byte[] Data);

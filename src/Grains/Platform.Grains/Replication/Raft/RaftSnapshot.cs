namespace Platform.Replication.Raft;

/// <summary>A state machine snapshot (opaque bytes) with the log position it replaces.</summary>
public sealed record RaftSnapshot(RaftSnapshotMeta Meta, byte[] Data);

namespace Platform.Replication.Raft;

/// <summary>Where a snapshot stands: the last entry it includes and the configuration as of that entry.</summary>
public sealed record RaftSnapshotMeta(long Index, long Term, RaftConfiguration Config);

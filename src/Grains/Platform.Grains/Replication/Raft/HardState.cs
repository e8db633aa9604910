namespace Platform.Replication.Raft;

/// <summary>What a node must persist before it answers a message that depends on it: term, vote and commit index.</summary>
public readonly record struct HardState(long Term, MemberId? VotedFor, long Commit);

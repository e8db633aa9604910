namespace Platform.Replication.Raft;

/// <summary>
/// A confirmed linearizable read (ReadIndex): the leader was still the leader of its term when a quorum answered
/// after the read arrived, so the state machine may serve the read once it has applied <paramref name="Index"/>.
/// </summary>
public readonly record struct ReadState(long RequestId, long Index);

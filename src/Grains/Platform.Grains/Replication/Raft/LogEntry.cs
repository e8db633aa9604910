namespace Platform.Replication.Raft;

/// <summary>One entry of a replica group's log.</summary>
public sealed record LogEntry(long Index, long Term, EntryKind Kind, byte[] Data, RaftConfiguration? Config = null)
{
    /// <summary>Rough bytes on the wire and in storage, for batching.</summary>
    public int Size => Data.Length + (Config is null ? 24 : 24 + (16 * (Config.Voters.Count + Config.Learners.Count)));
}

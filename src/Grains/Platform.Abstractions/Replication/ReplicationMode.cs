namespace Platform.Replication;

/// <summary>How a replicated namespace's groups agree (<c>replication.mode</c>).</summary>
[GenerateSerializer, Alias("Platform.ReplicationMode")]
public enum ReplicationMode
{
    /// <summary>Raft: one elected leader per group orders every write; followers replicate its log.</summary>
    Leader = 0,
}

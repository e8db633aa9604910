using System.Text.Json.Serialization;

namespace Platform.Replication;

/// <summary>How a replicated namespace's groups agree (<c>replication.mode</c>).</summary>
[GenerateSerializer, Alias("Platform.ReplicationMode")]
public enum ReplicationMode
{
    /// <summary>Raft: one elected leader per group orders every write; followers replicate its log.</summary>
    Leader = 0,

    /// <summary>Leaderless: a coordinator sends each write to all N replicas and answers after W; reads ask R (newest hybrid logical clock wins).</summary>
    Quorum = 1,

    /// <summary>Every replica accepts writes and replicates them asynchronously; conflicts resolved by <see cref="ConflictMode"/>.</summary>
    [JsonStringEnumMemberName("multi-leader")]
    MultiLeader = 2,
}

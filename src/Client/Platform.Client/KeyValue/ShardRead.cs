using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>How one shard read is asked: its consistency (null: the namespace's default), the session's index on this shard, how long a session read may wait.</summary>
internal sealed record ShardRead(ReadConsistency? Consistency = null, long MinIndex = 0, TimeSpan? Wait = null)
{
    public static readonly ShardRead Default = new();
}

/// <summary>A shard's answer to a read: the entry and, for a replicated namespace, who served it.</summary>
internal readonly record struct ShardReadResult(KeyValueEntry? Entry, ReplicaServed? Served);

/// <summary>A shard's answer to a write: the outcome and, for a replicated namespace, the write's log index and who took it.</summary>
internal readonly record struct ShardWriteResult(KeyValueWriteResult Result, long Index, ReplicaServed? Served);

using Platform.Sharding;

namespace Platform.KeyValue;

/// <summary>
/// One shard of a namespace (key: <see cref="ShardId.ToGrainKey"/>). Guarantee: every acknowledged write is in
/// storage before the answer, and each key's write is ETag-checked there, so two activations can never both win.
/// A shard of a deleted generation throws <see cref="NamespaceGoneException"/> from every read and answers
/// <see cref="KeyValueWriteStatus.NamespaceGone"/> to every write: the caller's routing is stale.
/// </summary>
[Alias("Platform.IKvShardGrain")]
public interface IKeyValueShardGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<KeyValueEntry?> Get(string key);

    [Alias("GetMany")]
    Task<IReadOnlyList<KeyValueEntry>> GetMany(IReadOnlyList<string> keys);

    [Alias("Write")]
    Task<KeyValueWriteResult> Write(KeyValueWriteRequest request);

    /// <summary>Keys in ordinal order after <paramref name="after"/> that start with <paramref name="prefix"/>, at most <paramref name="limit"/>.</summary>
    [Alias("ListKeys")]
    Task<IReadOnlyList<KeyValueKeyInfo>> ListKeys(string prefix, string? after, int limit);

    [Alias("Stats")]
    Task<KeyValueShardStats> Stats();

    /// <summary>Deletes every key and refuses further writes: its namespace generation is gone.</summary>
    [Alias("Drop")]
    Task Drop();
}

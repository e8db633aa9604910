using Platform.Sharding;

namespace Platform.KeyValue;

/// <summary>
/// One shard of a namespace (key: <see cref="ShardId.ToGrainKey"/>). Guarantee: every acknowledged write is in
/// storage before the answer, and each key's write is ETag-checked there, so two activations can never both win.
/// </summary>
[Alias("Platform.IKvShardGrain")]
public interface IKvShardGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<KvEntry?> Get(string key);

    [Alias("GetMany")]
    Task<IReadOnlyList<KvEntry>> GetMany(IReadOnlyList<string> keys);

    [Alias("Write")]
    Task<KvWriteResult> Write(KvWriteRequest request);

    /// <summary>Keys in ordinal order after <paramref name="after"/> that start with <paramref name="prefix"/>, at most <paramref name="limit"/>.</summary>
    [Alias("ListKeys")]
    Task<IReadOnlyList<KvKeyInfo>> ListKeys(string prefix, string? after, int limit);

    [Alias("Stats")]
    Task<KvShardStats> Stats();

    /// <summary>Deletes every key and refuses further writes: its namespace generation is gone.</summary>
    [Alias("Drop")]
    Task Drop();
}

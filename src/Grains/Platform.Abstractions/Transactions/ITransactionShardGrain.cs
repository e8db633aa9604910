using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>
/// One shard of a transactional namespace (key: <see cref="ShardId.ToGrainKey"/>). Guarantee: its keys live in Orleans
/// transactional state, so every change is part of a serializable, atomic transaction that is durable (ETag-checked in
/// storage) once committed; single-key calls made outside a transaction run as their own transaction. A shard of a
/// deleted generation fails every read and operation (<see cref="TransactionOpFailedException.NamespaceGone"/>) and
/// answers <see cref="KeyValueWriteStatus.NamespaceGone"/> to every write: the caller's routing is stale.
/// </summary>
[Alias("Platform.ITxnShardGrain")]
public interface ITransactionShardGrain : IGrainWithStringKey
{
    [Alias("Get"), Transaction(TransactionOption.CreateOrJoin)]
    Task<KeyValueEntry?> Get(string key);

    [Alias("GetMany"), Transaction(TransactionOption.CreateOrJoin)]
    Task<IReadOnlyList<KeyValueEntry>> GetMany(IReadOnlyList<string> keys);

    /// <summary>A single-key put or delete with the same If-Match / If-None-Match semantics as <see cref="IKeyValueShardGrain.Write"/>.</summary>
    [Alias("Write"), Transaction(TransactionOption.CreateOrJoin)]
    Task<KeyValueWriteResult> Write(KeyValueWriteRequest request);

    /// <summary>Keys in ordinal order after <paramref name="after"/> that start with <paramref name="prefix"/>, at most <paramref name="limit"/>.</summary>
    [Alias("ListKeys"), Transaction(TransactionOption.CreateOrJoin)]
    Task<IReadOnlyList<KeyValueKeyInfo>> ListKeys(string prefix, string? after, int limit);

    [Alias("Stats"), Transaction(TransactionOption.CreateOrJoin)]
    Task<KeyValueShardStats> Stats();

    /// <summary>Deletes every key and refuses further writes: its namespace generation is gone.</summary>
    [Alias("Drop"), Transaction(TransactionOption.CreateOrJoin)]
    Task Drop();

    /// <summary>
    /// The entries of the keys that exist, read inside the caller's transaction (for comparisons); with
    /// <paramref name="forUpdate"/> under a write lock, for a shard the transaction may write next.
    /// </summary>
    [Alias("Read"), Transaction(TransactionOption.Join)]
    Task<IReadOnlyList<KeyValueEntry>> Read(IReadOnlyList<string> keys, bool forUpdate);

    /// <summary>Applies operations in order inside the caller's transaction; a failing operation throws and so aborts it.</summary>
    [Alias("Apply"), Transaction(TransactionOption.Join)]
    Task<IReadOnlyList<TransactionOpResult>> Apply(IReadOnlyList<TransactionOp> ops);
}

using Platform.Replication;
using Platform.Transactions;

namespace Platform.KeyValue;

/// <summary>
/// The partitioned key-value store. Each key's writes are linearizable through its shard; every acknowledged
/// write is durable in the configured storage. Refusals throw the <c>Platform.Errors</c> exceptions.
/// </summary>
public interface IKeyValueStore
{
    /// <summary>The entry, or null if the key does not exist (a replicated namespace reads at its default consistency).</summary>
    Task<KeyValueEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// A read with its consistency (replicated namespaces: strong, session or eventual), answering who served it and
    /// the session advanced by it.
    /// </summary>
    Task<KeyValueReadResult> ReadAsync(string ns, string key, KeyValueReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Writes a value; returns the new version (1 on a key's first create; a re-created key continues above its deleted version).</summary>
    Task<long> PutAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="PutAsync"/>, and says whether the write created the key (it was absent or deleted).</summary>
    Task<KeyValuePutResult> PutWithResultAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key; throws <c>PlatformNotFoundException</c> if it does not exist.</summary>
    Task DeleteAsync(string ns, string key, KeyValueCondition? condition = null, KeyValueFence? fence = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="DeleteAsync"/>, and returns the session advanced by the delete (replicated namespaces; else
    /// <paramref name="session"/>). <paramref name="context"/>: multi-leader siblings namespaces, the context of the
    /// siblings the delete replaces (a malformed one is a 400 naming <c>Platform-Context</c>). <paramref name="consistency"/>:
    /// quorum namespaces, the write level (as <see cref="KeyValuePutOptions.Consistency"/>).
    /// </summary>
    Task<SessionToken?> DeleteWithSessionAsync(string ns, string key, KeyValueCondition? condition, KeyValueFence? fence, SessionToken? session, string? context = null, ReadConsistency? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>One page of keys with their values, in ordinal key order across all shards.</summary>
    Task<KeyValuePage> ListAsync(string ns, KeyValueListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a multi-key transaction on a transactional namespace:
    /// <c>await kv.Transaction("bank").If(...).Then(...).Else(...).CommitAsync(ct)</c>.
    /// </summary>
    TransactionBuilder Transaction(string ns);
}

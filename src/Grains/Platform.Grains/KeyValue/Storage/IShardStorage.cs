using Platform.Sharding;

namespace Platform.KeyValue.Storage;

/// <summary>
/// Per-key durable storage of shards. Every write is conditional on the ETag last read, so of two activations
/// of one shard (possible under Orleans' eventually consistent directory) only one can win a given write.
/// </summary>
public interface IShardStorage
{
    /// <summary>Every entry of a shard, tombstones included, in any order.</summary>
    Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default);

    /// <summary>One entry, or null if absent.</summary>
    Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="entry"/> if the stored ETag is <paramref name="expectedETag"/> (null: the key must be absent).
    /// Returns the new ETag; throws <see cref="ShardStorageConflictException"/> when the condition fails.
    /// </summary>
    Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a key's row if its stored ETag is <paramref name="expectedETag"/>; throws <see cref="ShardStorageConflictException"/> otherwise.
    /// Shards do not use it for a key delete: they write a tombstone (<see cref="KeyValueEntry.Deleted"/>) with <see cref="WriteAsync"/>.
    /// </summary>
    Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Deletes every key of a shard, and its lease.</summary>
    Task DropAsync(ShardId shard, CancellationToken cancellationToken = default);

    /// <summary>The shard's activation lease, or null if none was ever written.</summary>
    Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the shard's lease if its stored ETag is <paramref name="expectedETag"/> (null: no lease may exist yet).
    /// Returns the new ETag; throws <see cref="ShardStorageConflictException"/> when the condition fails.
    /// </summary>
    Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default);
}

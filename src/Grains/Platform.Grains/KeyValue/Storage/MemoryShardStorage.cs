using System.Collections.Concurrent;
using System.Globalization;
using Platform.Sharding;

namespace Platform.KeyValue.Storage;

/// <summary>
/// Shard storage in this process's memory: the embedded default. Not durable; a test cluster shares one
/// instance between its in-process silos so that it behaves like an external store.
/// </summary>
public sealed class MemoryShardStorage : IShardStorage
{
    private readonly ConcurrentDictionary<ShardId, Dictionary<string, StoredEntry>> _shards = new();
    private readonly Dictionary<ShardId, StoredShardLease> _leases = [];
    private long _etags;

    public Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        var rows = Rows(shard);
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<StoredEntry>>([.. rows.Values]);
        }
    }

    public Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default)
    {
        var rows = Rows(shard);
        lock (rows)
        {
            return Task.FromResult(rows.GetValueOrDefault(key));
        }
    }

    public Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
    {
        var rows = Rows(shard);
        lock (rows)
        {
            CheckETag(rows, entry.Key, expectedETag);
            var etag = Interlocked.Increment(ref _etags).ToString(CultureInfo.InvariantCulture);
            rows[entry.Key] = new StoredEntry(entry, etag);
            return Task.FromResult(etag);
        }
    }

    public Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default)
    {
        var rows = Rows(shard);
        lock (rows)
        {
            CheckETag(rows, key, expectedETag);
            rows.Remove(key);
            return Task.CompletedTask;
        }
    }

    public Task DropAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        _shards.TryRemove(shard, out _);
        lock (_leases)
        {
            _leases.Remove(shard);
        }

        return Task.CompletedTask;
    }

    public Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default)
    {
        lock (_leases)
        {
            return Task.FromResult(_leases.GetValueOrDefault(shard));
        }
    }

    public Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_leases)
        {
            var current = _leases.GetValueOrDefault(shard)?.ETag;
            if (current != expectedETag)
            {
                throw new ShardStorageConflictException($"The lease of shard {shard} has ETag '{current}', expected '{expectedETag}'.");
            }

            var etag = Interlocked.Increment(ref _etags).ToString(CultureInfo.InvariantCulture);
            _leases[shard] = new StoredShardLease(lease, etag);
            return Task.FromResult(etag);
        }
    }

    private static void CheckETag(Dictionary<string, StoredEntry> rows, string key, string? expectedETag)
    {
        var current = rows.GetValueOrDefault(key)?.ETag;
        if (current != expectedETag)
        {
            throw new ShardStorageConflictException($"Key '{key}' has ETag '{current}', expected '{expectedETag}'.");
        }
    }

    private Dictionary<string, StoredEntry> Rows(ShardId shard) =>
        _shards.GetOrAdd(shard, static _ => new Dictionary<string, StoredEntry>(StringComparer.Ordinal));
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue.Storage;
using Platform.Sharding;

namespace Platform.KeyValue;

/// <summary>
/// One shard: keys in memory for reads and listing, each write made durable (ETag-checked, per key) before it is answered.
/// A delete stores a tombstone (the deleted version and fence record), kept in memory too but never answered, listed or
/// counted, so that a re-created key's version continues above it.
/// </summary>
// The grain type shipped under the old class name; stored grain ids keep it.
[GrainType("kvshard")]
public sealed partial class KeyValueShardGrain(
    IShardStorage storage,
    ILocalSiloDetails silo,
    IOptions<KeyValueOptions> options,
    TimeProvider time,
    ILogger<KeyValueShardGrain> logger) : Grain, IKeyValueShardGrain
{
    private readonly Dictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);

    // Sorted ordinal for listing; inserts are a memmove, cheap at the sizes one shard holds.
    private readonly List<string> _sortedKeys = [];
    private ShardId _id;
    private bool _gone;
    private long _bytes;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = ShardId.Parse(this.GetPrimaryKeyString());
        var settings = await GrainFactory.GetGrain<INamespaceGrain>(_id.Namespace).Get();
        if (settings is null || settings.Generation != _id.Generation)
        {
            _gone = true;
            return;
        }

        foreach (var stored in await storage.LoadAsync(_id, cancellationToken))
        {
            Apply(stored);
        }

        LogActivated(_id, _sortedKeys.Count);
    }

    public Task<KeyValueEntry?> Get(string key) =>
        Task.FromResult(!_gone && _entries.TryGetValue(key, out var stored) ? KeyValueWriteRules.Live(stored.Entry) : null);

    public Task<IReadOnlyList<KeyValueEntry>> GetMany(IReadOnlyList<string> keys)
    {
        var found = new List<KeyValueEntry>(keys.Count);
        if (!_gone)
        {
            foreach (var key in keys)
            {
                if (_entries.TryGetValue(key, out var stored) && !stored.Entry.Deleted)
                {
                    found.Add(stored.Entry);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<KeyValueEntry>>(found);
    }

    public async Task<KeyValueWriteResult> Write(KeyValueWriteRequest request)
    {
        if (_gone)
        {
            return new KeyValueWriteResult { Status = KeyValueWriteStatus.NamespaceGone, Detail = $"Namespace '{_id.Namespace}' was deleted." };
        }

        KeyValueWriteRules.Validate(request, options.Value);
        for (var attempt = 0; ; attempt++)
        {
            // Each attempt decides afresh, the lock's verdict included: a retry runs after the first check, and a newer
            // holder may have been granted (and may have written through another activation) meanwhile.
            if (request.Fence is { } fence && await KeyValueWriteRules.CheckLockAsync(GrainFactory, fence) is { } refused)
            {
                return refused;
            }

            try
            {
                return await WriteChecked(request);
            }
            catch (ShardStorageConflictException ex)
            {
                if (attempt > 0)
                {
                    throw new PlatformUnavailableException($"Shard {_id} is contended by another activation; retry.", ex);
                }

                // Another activation of this shard wrote the key: our copy is stale. Re-read it and decide again.
                LogConflict(_id.ToGrainKey(), request.Key);
                await Refresh(request.Key);
            }
        }
    }

    public Task<IReadOnlyList<KeyValueKeyInfo>> ListKeys(string prefix, string? after, int limit)
    {
        var page = new List<KeyValueKeyInfo>(Math.Min(limit, 256));
        if (_gone || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<KeyValueKeyInfo>>(page);
        }

        var start = after is not null && string.CompareOrdinal(after, prefix) >= 0
            ? UpperBound(after)
            : LowerBound(prefix);
        for (var i = start; i < _sortedKeys.Count && page.Count < limit; i++)
        {
            var key = _sortedKeys[i];
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            var entry = _entries[key].Entry;
            page.Add(new KeyValueKeyInfo(key, entry.Version, entry.Value.Length));
        }

        return Task.FromResult<IReadOnlyList<KeyValueKeyInfo>>(page);
    }

    public Task<KeyValueShardStats> Stats() =>
        Task.FromResult(new KeyValueShardStats { Silo = silo.SiloAddress.ToParsableString(), Keys = _sortedKeys.Count, Bytes = _bytes });

    public async Task Drop()
    {
        _gone = true;
        _entries.Clear();
        _sortedKeys.Clear();
        _bytes = 0;
        await storage.DropAsync(_id);
        DeactivateOnIdle();
    }

    private async Task<KeyValueWriteResult> WriteChecked(KeyValueWriteRequest request)
    {
        var current = _entries.GetValueOrDefault(request.Key);
        var lockTokens = KeyValueWriteRules.NeedsLockTokens(current?.Entry, request, options.Value)
            ? await KeyValueWriteRules.LockTokensAsync(GrainFactory, current!.Entry, request.Fence!)
            : null;
        var result = KeyValueWriteRules.Decide(current?.Entry, request, lockTokens, options.Value, time.GetUtcNow(), out var next);
        if (next is null)
        {
            return result;
        }

        // A delete writes its tombstone over the entry, ETag-checked like any write.
        var etag = await storage.WriteAsync(_id, next, current?.ETag);
        Apply(new StoredEntry(next, etag));
        return result;
    }

    private async Task Refresh(string key)
    {
        var stored = await storage.ReadAsync(_id, key);
        if (stored is null)
        {
            Remove(key);
        }
        else
        {
            Apply(stored);
        }
    }

    /// <summary>Takes a stored entry or tombstone into memory; only live keys are listed and counted.</summary>
    private void Apply(StoredEntry stored)
    {
        var key = stored.Entry.Key;
        var wasLive = _entries.TryGetValue(key, out var previous) && !previous.Entry.Deleted;
        var isLive = !stored.Entry.Deleted;
        if (wasLive)
        {
            _bytes -= previous!.Entry.Value.Length;
        }

        if (isLive && !wasLive)
        {
            _sortedKeys.Insert(LowerBound(key), key);
        }
        else if (!isLive && wasLive)
        {
            _sortedKeys.RemoveAt(LowerBound(key));
        }

        _entries[key] = stored;
        if (isLive)
        {
            _bytes += stored.Entry.Value.Length;
        }
    }

    /// <summary>Forgets a key that storage no longer holds at all (not even a tombstone).</summary>
    private void Remove(string key)
    {
        if (_entries.Remove(key, out var previous) && !previous.Entry.Deleted)
        {
            _bytes -= previous.Entry.Value.Length;
            _sortedKeys.RemoveAt(LowerBound(key));
        }
    }

    /// <summary>Index of the first key not less than <paramref name="key"/>.</summary>
    private int LowerBound(string key)
    {
        var index = _sortedKeys.BinarySearch(key, StringComparer.Ordinal);
        return index < 0 ? ~index : index;
    }

    /// <summary>Index of the first key greater than <paramref name="key"/>.</summary>
    private int UpperBound(string key)
    {
        var index = _sortedKeys.BinarySearch(key, StringComparer.Ordinal);
        return index < 0 ? ~index : index + 1;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} activated with {Keys} keys")]
    private partial void LogActivated(ShardId shard, int keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: storage conflict on key {Key}; another activation wrote it")]
    private partial void LogConflict(string shard, string key);
}

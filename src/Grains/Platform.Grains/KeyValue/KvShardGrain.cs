using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue.Storage;
using Platform.Locks;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// One shard: keys in memory for reads and listing, each write made durable (ETag-checked, per key) before it is answered.
/// </summary>
public sealed partial class KvShardGrain(
    IShardStorage storage,
    ILocalSiloDetails silo,
    IOptions<KeyValueOptions> options,
    TimeProvider time,
    ILogger<KvShardGrain> logger) : Grain, IKvShardGrain
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

        LogActivated(_id.ToGrainKey(), _entries.Count);
    }

    public Task<KvEntry?> Get(string key) =>
        Task.FromResult(!_gone && _entries.TryGetValue(key, out var stored) ? stored.Entry : null);

    public Task<IReadOnlyList<KvEntry>> GetMany(IReadOnlyList<string> keys)
    {
        var found = new List<KvEntry>(keys.Count);
        if (!_gone)
        {
            foreach (var key in keys)
            {
                if (_entries.TryGetValue(key, out var stored))
                {
                    found.Add(stored.Entry);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<KvEntry>>(found);
    }

    public async Task<KvWriteResult> Write(KvWriteRequest request)
    {
        if (_gone)
        {
            return new KvWriteResult { Status = KvWriteStatus.NamespaceGone, Detail = $"Namespace '{_id.Namespace}' was deleted." };
        }

        var limits = options.Value;
        if (NameRules.CheckKey(request.Key, limits.MaxKeyBytes) is { } keyError)
        {
            throw new PlatformValidationException("key", keyError);
        }

        if (request.Value is { Length: var length } && length > limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"value is {length} bytes, over the limit of {limits.MaxValueBytes}");
        }

        if (request.Fence is { } fence)
        {
            if (NameRules.CheckName(fence.LockName) is { } fenceError)
            {
                throw new PlatformValidationException("fence", $"lock name {fenceError}");
            }

            // The lock re-reads its persisted grants: refused when this token was never granted or a higher one was
            // granted since. Then WriteChecked compares with the highest token this key has seen for the lock, so a
            // stale holder can never overwrite a newer fenced write even if it passed the lock's check first.
            // No call cycle: lease grains never call shards.
            var check = await GrainFactory.Grain(LeaseKind.Lock, fence.LockName).CheckFence(fence.Token);
            if (!check.Accepted)
            {
                return new KvWriteResult
                {
                    Status = KvWriteStatus.FenceRejected,
                    Detail = check.LastToken < fence.Token
                        ? $"Lock '{fence.LockName}' has not granted token {fence.Token} (last granted: {check.LastToken})."
                        : $"Lock '{fence.LockName}' has granted token {check.LastToken} since token {fence.Token}.",
                };
            }
        }

        try
        {
            return await WriteChecked(request);
        }
        catch (ShardStorageConflictException)
        {
            // Another activation of this shard wrote the key: our copy is stale. Re-read it and decide again.
            LogConflict(_id.ToGrainKey(), request.Key);
            await Refresh(request.Key);
            try
            {
                return await WriteChecked(request);
            }
            catch (ShardStorageConflictException ex)
            {
                throw new PlatformUnavailableException($"Shard {_id} is contended by another activation; retry.", ex);
            }
        }
    }

    public Task<IReadOnlyList<KvKeyInfo>> ListKeys(string prefix, string? after, int limit)
    {
        var page = new List<KvKeyInfo>(Math.Min(limit, 256));
        if (_gone || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<KvKeyInfo>>(page);
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
            page.Add(new KvKeyInfo(key, entry.Version, entry.Value.Length));
        }

        return Task.FromResult<IReadOnlyList<KvKeyInfo>>(page);
    }

    public Task<KvShardStats> Stats() =>
        Task.FromResult(new KvShardStats { Silo = silo.SiloAddress.ToParsableString(), Keys = _entries.Count, Bytes = _bytes });

    public async Task Drop()
    {
        _gone = true;
        _entries.Clear();
        _sortedKeys.Clear();
        _bytes = 0;
        await storage.DropAsync(_id);
        DeactivateOnIdle();
    }

    private async Task<KvWriteResult> WriteChecked(KvWriteRequest request)
    {
        var current = _entries.GetValueOrDefault(request.Key);
        var currentVersion = current?.Entry.Version ?? 0;
        if (request.Condition.IfNoneMatch && current is not null)
        {
            return new KvWriteResult { Status = KvWriteStatus.PreconditionFailed, Version = currentVersion, Detail = "The key exists." };
        }

        if (request.Condition.IfMatchVersion is { } expected && expected != currentVersion)
        {
            return new KvWriteResult
            {
                Status = KvWriteStatus.PreconditionFailed,
                Version = currentVersion,
                Detail = current is null ? "The key does not exist." : $"The current version is {currentVersion}.",
            };
        }

        var fences = current?.Entry.Fences;
        if (request.Fence is { } fence)
        {
            if (fences is not null && fences.TryGetValue(fence.LockName, out var seen) && seen > fence.Token)
            {
                return new KvWriteResult
                {
                    Status = KvWriteStatus.FenceRejected,
                    Version = currentVersion,
                    Detail = $"Key '{request.Key}' was written with token {seen} of lock '{fence.LockName}', above {fence.Token}.",
                };
            }

            fences = new Dictionary<string, long>(fences ?? [], StringComparer.Ordinal) { [fence.LockName] = fence.Token };
        }

        if (request.Value is null)
        {
            if (current is null)
            {
                return new KvWriteResult { Status = KvWriteStatus.NotFound };
            }

            await storage.DeleteAsync(_id, request.Key, current.ETag);
            Remove(request.Key);
            return KvWriteResult.Ok(currentVersion);
        }

        var entry = new KvEntry
        {
            Key = request.Key,
            Value = request.Value,
            ContentType = request.ContentType,
            Version = currentVersion + 1,
            ModifiedAt = time.GetUtcNow(),
            Fences = fences,
        };
        var etag = await storage.WriteAsync(_id, entry, current?.ETag);
        Apply(new StoredEntry(entry, etag));
        return KvWriteResult.Ok(entry.Version);
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

    private void Apply(StoredEntry stored)
    {
        var key = stored.Entry.Key;
        if (_entries.TryGetValue(key, out var previous))
        {
            _bytes -= previous.Entry.Value.Length;
        }
        else
        {
            _sortedKeys.Insert(LowerBound(key), key);
        }

        _entries[key] = stored;
        _bytes += stored.Entry.Value.Length;
    }

    private void Remove(string key)
    {
        if (_entries.Remove(key, out var previous))
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
    private partial void LogActivated(string shard, int keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: storage conflict on key {Key}; another activation wrote it")]
    private partial void LogConflict(string shard, string key);
}

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
/// <remarks>
/// Memory is the truth only while no other activation of this shard writes (Orleans can briefly run two, and a silo
/// declared dead may still run). So an activation serves reads and writes only while it holds the shard's activation
/// lease in shard storage (<see cref="ShardLease"/>): valid for 0.9 x <see cref="KeyValueOptions.ShardLeaseTime"/> on
/// this silo's monotonic clock, counted from before its last lease write. Another activation that finds the lease
/// waits the holder's full lease time x 1.1 on its own clock, counted from after it read the lease, then takes it
/// over with an ETag-checked write (failing if the holder renewed meanwhile) and reloads every key. Safe as long as
/// silo clocks run at rates within about 20% of each other; wall clocks need not agree, and a paused process is fine
/// (the monotonic clock keeps counting). A holder that finds its lease taken (its renewal loses the ETag race) waits
/// and takes it back, reloading. The lease is released on deactivation, so a graceful move does not wait.
/// </remarks>
// The grain type shipped under the old class name; stored grain ids keep it.
[GrainType("kvshard")]
public sealed partial class KeyValueShardGrain(
    IShardStorage storage,
    ILocalSiloDetails silo,
    IOptions<KeyValueOptions> options,
    TimeProvider time,
    KeyValueMetrics metrics,
    ILogger<KeyValueShardGrain> logger) : Grain, IKeyValueShardGrain
{
    private readonly Dictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);

    // Sorted ordinal for listing; inserts are a memmove, cheap at the sizes one shard holds.
    private readonly List<string> _sortedKeys = [];
    private ShardActivationLease _lease = null!;
    private ShardId _id;
    private bool _gone;
    private long _bytes;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = ShardId.Parse(this.GetPrimaryKeyString());
        _lease = new ShardActivationLease(storage, _id, options.Value.ShardLeaseTime, logger);
        var settings = await GrainFactory.GetGrain<INamespaceGrain>(_id.Namespace).Get();

        // A transactional namespace's shards are TransactionShardGrain (which owns the shard's activation lease), a
        // replicated one's are replica groups.
        if (settings is null || settings.Generation != _id.Generation || settings.Transactional || settings.Replication is not null)
        {
            _gone = true;
            return;
        }

        // Takes the lease (waiting out another activation's) and loads every key. A failed activation does not pass
        // the silo's error boundary (it runs around calls on an active grain), so storage failures are translated here.
        try
        {
            await TakeOverAsync(cancellationToken);
        }
        catch (Exception ex) when (StorageErrors.Translate(ex) is { } refusal)
        {
            throw refusal;
        }

        LogActivated(_id, _sortedKeys.Count);
        metrics.Report(_id, _sortedKeys.Count, _bytes);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Release the lease so that the next activation (elsewhere, after a graceful move) need not wait it out.
        if (!_gone)
        {
            metrics.Remove(_id);
            await _lease.ReleaseAsync(cancellationToken);
        }
    }

    public Task<KeyValueEntry?> Get(string key) =>
        _gone ? Task.FromException<KeyValueEntry?>(Gone())
        : _lease.IsFresh ? Task.FromResult(Lookup(key))
        : GetLeased(key);

    public Task<IReadOnlyList<KeyValueEntry>> GetMany(IReadOnlyList<string> keys) =>
        _gone ? Task.FromException<IReadOnlyList<KeyValueEntry>>(Gone())
        : _lease.IsFresh ? Task.FromResult<IReadOnlyList<KeyValueEntry>>(LookupMany(keys))
        : GetManyLeased(keys);

    private async Task<KeyValueEntry?> GetLeased(string key)
    {
        await EnsureLeaseAsync();
        return Lookup(key);
    }

    private async Task<IReadOnlyList<KeyValueEntry>> GetManyLeased(IReadOnlyList<string> keys)
    {
        await EnsureLeaseAsync();
        return LookupMany(keys);
    }

    private KeyValueEntry? Lookup(string key) =>
        _entries.TryGetValue(key, out var stored) ? KeyValueWriteRules.Live(stored.Entry) : null;

    private List<KeyValueEntry> LookupMany(IReadOnlyList<string> keys)
    {
        var found = new List<KeyValueEntry>(keys.Count);
        foreach (var key in keys)
        {
            if (_entries.TryGetValue(key, out var stored) && !stored.Entry.Deleted)
            {
                found.Add(stored.Entry);
            }
        }

        return found;
    }

    public async Task<KeyValueWriteResult> Write(KeyValueWriteRequest request)
    {
        if (_gone)
        {
            return new KeyValueWriteResult { Status = KeyValueWriteStatus.NamespaceGone, Detail = GoneDetail };
        }

        KeyValueWriteRules.Validate(request, options.Value);
        for (var attempt = 0; ; attempt++)
        {
            await EnsureLeaseAsync();

            // Each attempt decides afresh, the lock's verdict included: a retry runs after the first check, and a newer
            // holder may have been granted (and may have written through another activation) meanwhile.
            if (request.Fence is { } fence && await KeyValueWriteRules.CheckLockAsync(GrainFactory, fence) is { } refused)
            {
                return refused;
            }

            try
            {
                var written = await WriteChecked(request);
                metrics.Report(_id, _sortedKeys.Count, _bytes);
                return written;
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

    public async Task<IReadOnlyList<KeyValueKeyInfo>> ListKeys(string prefix, string? after, int limit)
    {
        if (_gone)
        {
            throw Gone();
        }

        var page = new List<KeyValueKeyInfo>(Math.Min(limit, 256));
        if (limit <= 0)
        {
            return page;
        }

        if (!_lease.IsFresh)
        {
            await EnsureLeaseAsync();
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

        return page;
    }

    public async Task<KeyValueShardStats> Stats()
    {
        if (_gone)
        {
            throw Gone();
        }

        if (!_lease.IsFresh)
        {
            await EnsureLeaseAsync();
        }

        return new KeyValueShardStats { Silo = silo.SiloAddress.ToParsableString(), Keys = _sortedKeys.Count, Bytes = _bytes };
    }

    public async Task Drop()
    {
        _gone = true;
        _lease.Forget();
        _entries.Clear();
        _sortedKeys.Clear();
        _bytes = 0;
        await storage.DropAsync(_id);
        DeactivateOnIdle();
    }

    private string GoneDetail => $"Namespace '{_id.Namespace}' generation {_id.Generation} was deleted.";

    /// <summary>What every read of a dropped generation throws: the caller's routing is stale (it refreshes and retries).</summary>
    private NamespaceGoneException Gone() => new(GoneDetail);

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

        // Acknowledge only a write that landed while this activation held the lease: an activation that took the shard
        // over after the lease ran out may have loaded the keys before it landed.
        if (_lease.Left <= TimeSpan.Zero && !await _lease.TryRenewAsync())
        {
            throw new PlatformUnavailableException($"Shard {_id} lost its activation lease while writing key '{request.Key}'; the write may or may not have applied: read it back.");
        }

        return result;
    }

    /// <summary>
    /// Serving needs the lease: renewed (one ETag-checked write) when half of it is gone; when another activation
    /// took it, waited out and taken back, reloading every key.
    /// </summary>
    private async Task EnsureLeaseAsync()
    {
        if (await _lease.HoldAsync())
        {
            return;
        }

        LogLeaseLost(_id);
        await TakeOverAsync(CancellationToken.None);
    }

    /// <summary>Takes the lease (waiting out another activation's), then loads every key, since the other may have written any of them.</summary>
    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        await _lease.TakeAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        _entries.Clear();
        _sortedKeys.Clear();
        _bytes = 0;
        foreach (var stored in await storage.LoadAsync(_id, cancellationToken))
        {
            Apply(stored);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: another activation took the activation lease; taking it back and reloading")]
    private partial void LogLeaseLost(ShardId shard);
}

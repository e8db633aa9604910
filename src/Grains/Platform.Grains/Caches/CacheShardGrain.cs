using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;
using Platform.Errors;

namespace Platform.Caches;

/// <summary>
/// One cache shard: entries in memory (<see cref="CacheStore"/>), the strategy's source calls, write-behind
/// (<see cref="WriteBehindBuffer"/>) and the near-cache pushes.
/// </summary>
/// <remarks>
/// <para>
/// Reentrant by design: a source load or write awaits the source while other keys' reads and writes go on. Every
/// decision is made between awaits on the grain's one thread. Single-flight: <see cref="_loads"/> holds the one load
/// in flight per key; concurrent readers await it. A set, remove or invalidation of a key marks its load superseded,
/// and a load never replaces an entry whose source version is newer, so a slow load can never put back an older
/// value than one written while it ran.
/// </para>
/// <para>
/// Versions and sequences start at the activation's wall-clock microseconds (never the test clock) and count up, so
/// a re-activated shard never repeats an ETag or a push sequence of an earlier activation.
/// </para>
/// </remarks>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class CacheShardGrain(
    ICacheSourceClient source,
    IOptions<CachesOptions> options,
    TimeProvider time,
    CacheMetrics metrics,
    ILogger<CacheShardGrain> logger) : Grain, ICacheShardGrain
{
    private readonly Dictionary<string, PendingLoad> _loads = new(StringComparer.Ordinal);
    private ObserverManager<ICacheObserver>? _observers;
    private CacheSettings? _settings;
    private CacheStore? _store;
    private WriteBehindBuffer? _writeBehind;
    private IGrainTimer? _flushTimer;
    private bool _flushing;
    private bool _gone;
    private long _version;
    private long _sequence;
    private int _shard;
    private string _cache = "";
    private long _hits, _misses, _loadCount, _loadFailures, _refreshes, _wbQueued, _wbWritten, _wbFailures, _wbDropped;

    private CachesOptions Limits => options.Value;

    private CacheSpec Spec => _settings!.Spec;

    private bool Loads => Spec.Strategy != CacheStrategy.Aside && Spec.Source is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (cache, generation, shard) = CacheShardKey.Parse(this.GetPrimaryKeyString());
        _cache = cache;
        _shard = shard;
        _version = _sequence = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _observers = new ObserverManager<ICacheObserver>(TimeSpan.FromMilliseconds(Math.Max(60_000, 10L * Limits.NearCacheCheckMs)), logger);
        var settings = await GrainFactory.GetGrain<ICacheGrain>(cache).Get();
        if (settings is null || settings.Generation != generation || shard >= settings.Spec.Shards)
        {
            _gone = true;
            return;
        }

        _settings = settings;
        _store = new CacheStore(settings.EntriesOf(shard), settings.BytesOf(shard), settings.Spec.Eviction);
        if (settings.Spec.Strategy == CacheStrategy.WriteBehind)
        {
            var wb = settings.Spec.WriteBehind ?? new CacheWriteBehind();
            var queue = (int)Math.Max(1, (wb.MaxQueue / settings.Spec.Shards) + (shard < wb.MaxQueue % settings.Spec.Shards ? 1 : 0));
            _writeBehind = new WriteBehindBuffer(TimeSpan.FromMilliseconds(wb.DelayMs), queue, TimeSpan.FromMilliseconds(wb.MaxAgeMs));
            var period = TimeSpan.FromMilliseconds(Math.Max(1, wb.DelayMs / 4));
            _flushTimer = this.RegisterGrainTimer(FlushDueAsync, new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flushTimer?.Dispose();
        if (_writeBehind is { } queue && !_gone)
        {
            // Graceful shutdown (or any deactivation): drain what waits, a few rounds for writes that failed.
            for (var round = 0; round < 5 && queue.Waiting + queue.InFlight > 0 && !cancellationToken.IsCancellationRequested; round++)
            {
                await FlushAsync(all: true, cancellationToken);
            }

            if (queue.Count > 0)
            {
                LogUndrained(logger, queue.Count, _cache, _shard);
            }
        }
    }

    public async Task<CacheRead> Get(string key)
    {
        EnsureLive();
        var now = time.GetUtcNow();
        var entry = _store!.Get(key, now);
        if (entry is not null)
        {
            _hits++;
            metrics.Hit(_cache);
            if (RefreshDue(entry, now) && !_loads.ContainsKey(key))
            {
                _refreshes++;
                _ = RefreshAsync(key);
            }

            return new CacheRead { Entry = entry, Sequence = _sequence };
        }

        _misses++;
        metrics.Miss(_cache);
        if (_writeBehind?.Latest(key) is { } pending)
        {
            // Evicted or expired before its write reached the source: the source may still hold an older value.
            return pending.Value is null
                ? new CacheRead { Sequence = _sequence }
                : new CacheRead { Entry = Install(key, pending.Value, pending.ContentType, null, [], null, null, now), Sequence = _sequence };
        }

        if (!Loads)
        {
            return new CacheRead { Sequence = _sequence };
        }

        return await LoadOnce(key);
    }

    public async Task<CacheSetResult> Set(CacheSetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureLive();
        CheckSet(request);
        var now = time.GetUtcNow();
        var existing = _store!.Peek(request.Key, now);
        if (Refusal(request, existing) is { } refused)
        {
            return refused;
        }

        var sourceVersion = request.SourceVersion;
        switch (Spec.Strategy)
        {
            case CacheStrategy.WriteThrough:
                // The source first: a failure leaves the cache as it was and answers the error.
                Supersede(request.Key);
                sourceVersion = await SourceCall(ct => source.WriteAsync(_cache, Spec.Source!, request.Key, request.Value, request.ContentType, ct), "write");
                now = time.GetUtcNow();
                existing = _store.Peek(request.Key, now);
                if (sourceVersion is { } written && existing?.SourceVersion is { } newer && newer > written)
                {
                    // A later write-through of this key finished first: it stays.
                    return new CacheSetResult { Status = CacheSetStatus.Ok, Version = existing.Version, SourceVersion = newer };
                }

                break;
            case CacheStrategy.WriteBehind:
                if (_writeBehind!.IsFull(request.Key))
                {
                    throw new PlatformUnavailableException(
                        $"The write-behind queue of cache '{_cache}' shard {_shard} holds {_writeBehind.MaxQueue} keys (writeBehind.maxQueue split over the shards); retry once it drains.")
                    { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((Spec.WriteBehind?.DelayMs ?? 100) / 1000.0)) };
                }

                _writeBehind.Enqueue(request.Key, request.Value, request.ContentType, now);
                _wbQueued++;
                break;
        }

        Supersede(request.Key);
        var entry = Install(request.Key, request.Value, request.ContentType, sourceVersion, request.Tags, request.TtlMs, request.SlidingMs, now);
        return new CacheSetResult { Status = CacheSetStatus.Ok, Version = entry.Version, Created = existing is null, SourceVersion = sourceVersion };
    }

    public async Task<bool> Remove(string key)
    {
        EnsureLive();
        Supersede(key);
        switch (Spec.Strategy)
        {
            case CacheStrategy.WriteThrough:
                await SourceCall(async ct =>
                {
                    await source.DeleteAsync(_cache, Spec.Source!, key, ct);
                    return (long?)null;
                }, "delete");
                break;
            case CacheStrategy.WriteBehind:
                if (_writeBehind!.IsFull(key))
                {
                    throw new PlatformUnavailableException($"The write-behind queue of cache '{_cache}' shard {_shard} is full; retry once it drains.");
                }

                _writeBehind.Enqueue(key, null, null, time.GetUtcNow());
                _wbQueued++;
                break;
        }

        Supersede(key);
        var removed = _store!.Remove(key);
        Notify([key]);
        return removed;
    }

    public Task<bool> Touch(string key)
    {
        EnsureLive();
        return Task.FromResult(_store!.Touch(key, time.GetUtcNow()));
    }

    public Task<int> Invalidate(CacheInvalidation invalidation)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        EnsureLive();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in invalidation.Keys)
        {
            Supersede(key);
            if (_store!.Remove(key))
            {
                removed.Add(key);
            }
        }

        foreach (var tag in invalidation.Tags)
        {
            removed.UnionWith(_store!.RemoveTag(tag));
        }

        if (invalidation.Prefix is { } prefix)
        {
            foreach (var key in _loads.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                Supersede(key);
            }

            removed.UnionWith(_store!.RemovePrefix(prefix));
        }

        // Keys asked for are pushed even when not cached here: a near cache may hold a copy loaded before. Tags and
        // prefixes push "every key of the shard": a near cache does not know an entry's tags.
        var count = removed.Count;
        removed.UnionWith(invalidation.Keys);
        var wholeShard = removed.Count > Limits.MaxInvalidateItems || invalidation.Tags.Count > 0 || invalidation.Prefix is not null;
        Notify(wholeShard ? null : [.. removed]);
        return Task.FromResult(count);
    }

    public Task<CacheShardStats> Stats()
    {
        EnsureLive();
        var store = _store!;
        return Task.FromResult(new CacheShardStats
        {
            Shard = _shard,
            Entries = store.Count,
            Bytes = store.Bytes,
            Hits = _hits,
            Misses = _misses,
            Evictions = store.Evictions,
            Expirations = store.Expirations,
            Loads = _loadCount,
            LoadFailures = _loadFailures,
            Refreshes = _refreshes,
            WriteBehindQueued = _wbQueued,
            WriteBehindWritten = _wbWritten,
            WriteBehindFailures = _wbFailures,
            WriteBehindDropped = _wbDropped,
            WriteBehindPending = _writeBehind?.Count ?? 0,
            CapacityEntries = store.CapacityEntries,
            CapacityBytes = store.CapacityBytes,
            Sequence = _sequence,
        });
    }

    public Task<long> Subscribe(ICacheObserver observer)
    {
        EnsureLive();
        _observers!.Subscribe(observer, observer);
        return Task.FromResult(_sequence);
    }

    public Task Unsubscribe(ICacheObserver observer)
    {
        _observers?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<int> Flush()
    {
        EnsureLive();
        var written = 0;
        while (_writeBehind is { Waiting: > 0 })
        {
            var round = await FlushAsync(all: true, CancellationToken.None);
            written += round;
            if (round == 0)
            {
                break;
            }
        }

        return written;
    }

    public Task Drop()
    {
        _gone = true;
        _store?.Clear();
        Notify(null);
        _flushTimer?.Dispose();
        return Task.CompletedTask;
    }

    private void EnsureLive()
    {
        if (_gone)
        {
            throw new CacheGoneException($"Cache '{_cache}' has no such generation any more (deleted or replaced).");
        }
    }

    private void CheckSet(CacheSetRequest request)
    {
        if (request.Value.Length > Limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"The value is {request.Value.Length} bytes; the limit (Platform:Caches:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }

        if (_store!.CapacityBytes is { } max && CacheStore.SizeOf(request.Key, request.Value.Length, request.ContentType, request.Tags) > max)
        {
            throw new PlatformPayloadTooLargeException($"The entry is larger than a shard's share of capacity.bytes ({max}).");
        }
    }

    private static CacheSetResult? Refusal(CacheSetRequest request, CacheEntry? existing)
    {
        if ((request.IfAbsent && existing is not null) || (request.IfVersion is { } expected && existing?.Version != expected))
        {
            return new CacheSetResult { Status = CacheSetStatus.PreconditionFailed, Version = existing?.Version ?? 0 };
        }

        if (request.SourceVersion is { } offered && existing?.SourceVersion is { } held && held > offered)
        {
            return new CacheSetResult { Status = CacheSetStatus.Stale, Version = existing.Version, SourceVersion = held };
        }

        return null;
    }

    private bool RefreshDue(CacheEntry entry, DateTimeOffset now) =>
        Spec.Strategy == CacheStrategy.RefreshAhead && Spec.RefreshAhead is { } fraction && entry.ExpiresAt is { } expires &&
        now >= entry.CachedAt + ((expires - entry.CachedAt) * fraction);

    private async Task RefreshAsync(string key)
    {
        try
        {
            await LoadOnce(key);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefreshFailed(logger, ex, _cache, key);
        }
    }

    /// <summary>The one load of <paramref name="key"/> in flight, started if there is none.</summary>
    private Task<CacheRead> LoadOnce(string key)
    {
        if (_loads.TryGetValue(key, out var running))
        {
            return running.Task!;
        }

        var load = new PendingLoad();
        _loads[key] = load;
        load.Task = Run();
        return load.Task;

        async Task<CacheRead> Run()
        {
            try
            {
                CacheSourceValue? value;
                try
                {
                    value = await SourceCall(ct => source.LoadAsync(_cache, Spec.Source!, key, ct), "load");
                    _loadCount++;
                }
                catch
                {
                    _loadFailures++;
                    throw;
                }

                var now = time.GetUtcNow();
                var current = _store!.Peek(key, now);
                if (load.Superseded || value is null || (current?.SourceVersion is { } held && value.Version is { } loaded && held > loaded))
                {
                    return new CacheRead { Entry = current, Sequence = _sequence };
                }

                var entry = Install(key, value.Value, value.ContentType, value.Version, [], null, null, now);
                return new CacheRead { Entry = entry, Sequence = _sequence };
            }
            finally
            {
                if (_loads.TryGetValue(key, out var mine) && ReferenceEquals(mine, load))
                {
                    _loads.Remove(key);
                }
            }
        }
    }

    private void Supersede(string key)
    {
        if (_loads.TryGetValue(key, out var load))
        {
            load.Superseded = true;
        }
    }

    private CacheEntry Install(string key, byte[] value, string? contentType, long? sourceVersion, IReadOnlyList<string> tags, int? ttlMs, int? slidingMs, DateTimeOffset now)
    {
        var ttl = ttlMs ?? Spec.DefaultTtlMs;
        DateTimeOffset? absolute = ttl is { } ms ? now.AddMilliseconds(ms * (1 - (Spec.TtlJitter * Random.Shared.NextDouble()))) : null;
        DateTimeOffset? expires = slidingMs is { } sliding
            ? (absolute is { } a && a < now.AddMilliseconds(sliding) ? a : now.AddMilliseconds(sliding))
            : absolute;
        var entry = new CacheEntry
        {
            Key = key,
            Value = value,
            ContentType = contentType,
            Version = _version = Math.Max(_version + 1, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000),
            SourceVersion = sourceVersion,
            Tags = tags,
            ExpiresAt = expires,
            AbsoluteExpiresAt = absolute,
            SlidingMs = slidingMs,
            CachedAt = now,
        };
        metrics.Evicted(_cache, _store!.Set(entry, now).Count);
        Notify([key]);
        return _store.Peek(key, now) ?? entry;
    }

    private void Notify(IReadOnlyList<string>? keys)
    {
        var change = new CacheChange { Cache = _cache, Generation = _settings?.Generation ?? 0, Shard = _shard, Sequence = ++_sequence, Keys = keys };
        if (_observers is { Count: > 0 } observers)
        {
            observers.Notify(o => o.Changed(change));
        }
    }

    private async Task<T> SourceCall<T>(Func<CancellationToken, Task<T>> call, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Limits.LoadTimeoutMs));
        try
        {
            return await call(timeout.Token);
        }
        catch (PlatformException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PlatformUnavailableException($"The source of cache '{_cache}' failed to {what} ({ex.GetBaseException().Message}); nothing was cached.", ex);
        }
    }

    private async Task FlushDueAsync(CancellationToken cancellationToken)
    {
        if (_flushing || _gone)
        {
            return;
        }

        _flushing = true;
        try
        {
            while (await FlushAsync(all: false, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <summary>One batch of due (or, with <paramref name="all"/>, all waiting) writes to the source, in parallel; answers how many succeeded.</summary>
    private async Task<int> FlushAsync(bool all, CancellationToken cancellationToken)
    {
        var queue = _writeBehind!;
        var batch = queue.TakeDue(time.GetUtcNow(), Spec.WriteBehind?.MaxBatch ?? 100, all);
        if (batch.Count == 0)
        {
            return 0;
        }

        var results = await Task.WhenAll(batch.Select(async write =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(Limits.LoadTimeoutMs));
                if (write.Value is null)
                {
                    await source.DeleteAsync(_cache, Spec.Source!, write.Key, timeout.Token);
                }
                else
                {
                    await source.WriteAsync(_cache, Spec.Source!, write.Key, write.Value, write.ContentType, timeout.Token);
                }

                return (write, ok: true);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWriteBehindFailed(logger, ex, _cache, write.Key, write.Attempts + 1);
                return (write, ok: false);
            }
        }));

        var now = time.GetUtcNow();
        var written = 0;
        foreach (var (write, ok) in results)
        {
            if (ok)
            {
                queue.Complete(write);
                _wbWritten++;
                written++;
            }
            else
            {
                _wbFailures++;
                if (queue.Fail(write, now))
                {
                    _wbDropped++;
                    metrics.WriteBehindDropped(_cache);
                    LogWriteBehindDropped(logger, _cache, write.Key, write.Attempts + 1, (long)(now - write.OldestAt).TotalMilliseconds);
                }
            }
        }

        return written;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh-ahead of {Cache}/{Key} failed; the entry stays until its TTL.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex, string cache, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Write-behind of {Cache}/{Key} failed (attempt {Attempt}); retried with backoff.")]
    private static partial void LogWriteBehindFailed(ILogger logger, Exception ex, string cache, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Write-behind of {Cache}/{Key} dropped after {Attempts} failed attempts: its oldest write waiting was queued {AgeMs} ms ago (writeBehind.maxAgeMs); the source does not have it, the cache does.")]
    private static partial void LogWriteBehindDropped(ILogger logger, string cache, string key, int attempts, long ageMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} write-behind keys of {Cache} shard {Shard} were not written before deactivation ended.")]
    private static partial void LogUndrained(ILogger logger, int count, string cache, int shard);

    private sealed class PendingLoad
    {
        public Task<CacheRead>? Task { get; set; }

        public bool Superseded { get; set; }
    }
}

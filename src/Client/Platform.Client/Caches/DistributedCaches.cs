using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.Caches;

/// <summary>
/// The typed client of caches: every input check, the routing of a key to its shard by the hash ring, the cache
/// settings this process knows (re-read after <see cref="SettingsTtl"/> or when a shard says its generation is
/// gone), and the near caches.
/// </summary>
internal sealed class DistributedCaches(
    IGrainFactory grains,
    INamespaceAdmin namespaces,
    HashRingCache rings,
    IOptions<CachesOptions> options,
    IOptions<KeyValueOptions> keyValue,
    TimeProvider time) : ICaches, IDisposable
{
    /// <summary>How long this process uses cache settings before it reads them again.</summary>
    public static readonly TimeSpan SettingsTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), Task<CacheEntry>> _factories = new();

    private CachesOptions Limits => options.Value;

    public async Task<CachePutResult> PutAsync(string name, CacheSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Checks.Name(name, "name");
        if (CacheSpecRules.Check(spec, Limits) is { } error)
        {
            throw new PlatformValidationException(error.Field, error.Reason);
        }

        if (spec.Source?.Namespace is { } ns)
        {
            try
            {
                await namespaces.GetAsync(ns, cancellationToken);
            }
            catch (PlatformNotFoundException)
            {
                throw new PlatformValidationException("source.namespace", $"names the namespace '{ns}', which does not exist (create it first)");
            }
        }

        var result = await grains.GetGrain<ICacheGrain>(name).Put(spec).WaitAsync(cancellationToken);
        Forget(name);
        return result;
    }

    public async Task<CacheSettings> GetSettingsAsync(string name, CancellationToken cancellationToken = default)
    {
        Checks.Name(name, "name");
        return await grains.GetGrain<ICacheGrain>(name).Get().WaitAsync(cancellationToken) ?? throw NotFound(name);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        Checks.Name(name, "name");
        var deleted = await grains.GetGrain<ICacheGrain>(name).Delete().WaitAsync(cancellationToken);
        Forget(name);
        if (!deleted)
        {
            throw NotFound(name);
        }
    }

    public async Task<CachePage> ListAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var size = Checks.PageSize(limit, keyValue.Value.DefaultListLimit, keyValue.Value.MaxListLimit);
        var after = ContinuationToken.Decode(continuationToken);
        var names = await grains.GetGrain<ICacheCatalogGrain>(ICacheCatalogGrain.Key).List(after, size).WaitAsync(cancellationToken);
        var settings = await Task.WhenAll(names.Select(n => grains.GetGrain<ICacheGrain>(n).Get()));
        return new CachePage([.. settings.OfType<CacheSettings>()], names.Count == size ? ContinuationToken.Encode(names[^1]) : null);
    }

    public Task<CacheEntry?> GetAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        // A near-cache hit answers at once: no await, no grain call (names and keys held there were checked when read).
        if (_known.TryGetValue(name, out var known) && known.Near is { } near && time.GetUtcNow() < known.Until && near.TryGet(key) is { } copy)
        {
            return Task.FromResult<CacheEntry?>(copy);
        }

        return ReadAsync(name, key, cancellationToken);
    }

    // The read path is RunAsync inlined: one state machine instead of three on the hot path (the HTTP GET's and the
    // typed client's), and the settings taken without an await while they are fresh.
    private async Task<CacheEntry?> ReadAsync(string name, string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        for (var attempt = 0; ; attempt++)
        {
            var known = Fresh(name) ?? await KnownAsync(name, cancellationToken);
            if (known.Near is { } near && near.TryGet(key) is { } copy)
            {
                return copy;
            }

            var shard = known.Ring.ShardFor(key);
            try
            {
                if (known.Near is { } subscribing)
                {
                    await subscribing.EnsureSubscribedAsync(shard).WaitAsync(cancellationToken);
                }

                var read = await known.Shard(grains, shard).Get(key).WaitAsync(cancellationToken);
                known.Near?.Offer(key, shard, read);
                return read.Entry;
            }
            catch (CacheGoneException) when (attempt == 0)
            {
                Forget(name);
            }
        }
    }

    public async Task<CacheSetResult> SetAsync(string name, string key, byte[] value, CacheSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckKey(key);
        options ??= new CacheSetOptions();
        var request = Request(key, value, options);
        var result = await RunAsync(name, async known =>
        {
            known.Near?.Forget(key);
            try
            {
                return await known.Shard(grains, known.Ring.ShardFor(key)).Set(request);
            }
            finally
            {
                known.Near?.Forget(key);
            }
        }, cancellationToken);
        return result.Status == CacheSetStatus.PreconditionFailed
            ? throw new PlatformPreconditionFailedException($"Precondition failed for cache entry '{key}' (current version {result.Version}).", result.Version)
            : result;
    }

    public async Task<CacheEntry> GetOrSetAsync(string name, string key, Func<CancellationToken, Task<byte[]>> factory, CacheSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (await GetAsync(name, key, cancellationToken) is { } hit)
        {
            return hit;
        }

        // One factory call per key at a time in this process; the others share its outcome.
        var mine = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _factories.GetOrAdd((name, key), mine.Task);
        if (!ReferenceEquals(running, mine.Task))
        {
            return await running.WaitAsync(cancellationToken);
        }

        try
        {
            var entry = await GetAsync(name, key, cancellationToken);
            if (entry is null)
            {
                var value = await factory(cancellationToken);
                var set = await SetAsync(name, key, value, options, cancellationToken);
                entry = new CacheEntry
                {
                    Key = key,
                    Value = value,
                    ContentType = options?.ContentType,
                    Version = set.Version,
                    SourceVersion = set.SourceVersion,
                    Tags = options?.Tags ?? [],
                    CachedAt = time.GetUtcNow(),
                };
            }

            mine.SetResult(entry);
            return entry;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            _factories.TryRemove(new KeyValuePair<(string, string), Task<CacheEntry>>((name, key), mine.Task));
        }
    }

    public async Task<bool> RemoveAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        return await RunAsync(name, async known =>
        {
            known.Near?.Forget(key);
            try
            {
                return await known.Shard(grains, known.Ring.ShardFor(key)).Remove(key);
            }
            finally
            {
                known.Near?.Forget(key);
            }
        }, cancellationToken);
    }

    public async Task<bool> TouchAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        return await RunAsync(name, known => known.Shard(grains, known.Ring.ShardFor(key)).Touch(key), cancellationToken);
    }

    public async Task<int> InvalidateAsync(string name, CacheInvalidation invalidation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        Checks.Count("keys", invalidation.Keys.Count, Limits.MaxInvalidateItems, "Platform:Caches:MaxInvalidateItems");
        Checks.Count("tags", invalidation.Tags.Count, Limits.MaxInvalidateItems, "Platform:Caches:MaxInvalidateItems");
        foreach (var key in invalidation.Keys)
        {
            CheckKey(key, "keys");
        }

        foreach (var tag in invalidation.Tags)
        {
            Checks.Name(tag, "tags");
        }

        if (invalidation.Prefix is { Length: > 0 } prefix)
        {
            CheckKey(prefix, "prefix");
        }
        else if (invalidation.Prefix is not null)
        {
            throw new PlatformValidationException("prefix", "must not be empty (to drop everything, delete and re-create the cache)");
        }

        if (invalidation.Keys.Count == 0 && invalidation.Tags.Count == 0 && invalidation.Prefix is null)
        {
            throw new PlatformValidationException("keys", "an invalidation names at least one of keys, tags and prefix");
        }

        return await RunAsync(name, async known =>
        {
            var count = 0;
            if (invalidation.Tags.Count == 0 && invalidation.Prefix is null)
            {
                // Keys only: each to its own shard.
                var byShard = invalidation.Keys.GroupBy(k => known.Ring.ShardFor(k));
                var counts = await Task.WhenAll(byShard.Select(g => known.Shard(grains, g.Key).Invalidate(new CacheInvalidation { Keys = [.. g] })));
                count = counts.Sum();
                foreach (var key in invalidation.Keys)
                {
                    known.Near?.Forget(key);
                }
            }
            else
            {
                var counts = await Task.WhenAll(Enumerable.Range(0, known.Settings.Spec.Shards).Select(i => known.Shard(grains, i).Invalidate(invalidation)));
                count = counts.Sum();
                known.Near?.ForgetAll();
            }

            return count;
        }, cancellationToken);
    }

    public async Task<CacheStats> StatsAsync(string name, CancellationToken cancellationToken = default)
    {
        var shards = await RunAsync(name, known => Task.WhenAll(Enumerable.Range(0, known.Settings.Spec.Shards).Select(i => known.Shard(grains, i).Stats())), cancellationToken);
        var total = new CacheShardStats
        {
            Shard = -1,
            Entries = shards.Sum(s => s.Entries),
            Bytes = shards.Sum(s => s.Bytes),
            Hits = shards.Sum(s => s.Hits),
            Misses = shards.Sum(s => s.Misses),
            Evictions = shards.Sum(s => s.Evictions),
            Expirations = shards.Sum(s => s.Expirations),
            Loads = shards.Sum(s => s.Loads),
            LoadFailures = shards.Sum(s => s.LoadFailures),
            Refreshes = shards.Sum(s => s.Refreshes),
            WriteBehindQueued = shards.Sum(s => s.WriteBehindQueued),
            WriteBehindWritten = shards.Sum(s => s.WriteBehindWritten),
            WriteBehindFailures = shards.Sum(s => s.WriteBehindFailures),
            WriteBehindPending = shards.Sum(s => s.WriteBehindPending),
            WriteBehindDropped = shards.Sum(s => s.WriteBehindDropped),
            CapacityEntries = shards.Sum(s => s.CapacityEntries),
            CapacityBytes = shards.All(s => s.CapacityBytes is not null) ? shards.Sum(s => s.CapacityBytes!.Value) : null,
        };
        return new CacheStats(total, shards);
    }

    public async Task<int> FlushAsync(string name, CancellationToken cancellationToken = default)
    {
        var counts = await RunAsync(name, known => Task.WhenAll(Enumerable.Range(0, known.Settings.Spec.Shards).Select(i => known.Shard(grains, i).Flush())), cancellationToken);
        return counts.Sum();
    }

    /// <summary>The near cache of a cache in this process, when it has one (tests: cut its pushes, run its check).</summary>
    internal NearCache? NearCacheOf(string name) => _known.TryGetValue(name, out var known) ? known.Near : null;

    public void Dispose()
    {
        foreach (var known in _known.Values)
        {
            known.Near?.Dispose();
        }
    }

    private static PlatformNotFoundException NotFound(string name) => new($"Cache '{name}' does not exist.");

    private void CheckKey(string key, string field = "key") => Checks.Key(key, keyValue.Value.MaxKeyBytes, field);

    private CacheSetRequest Request(string key, byte[] value, CacheSetOptions options)
    {
        if (value.Length > Limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"The value is {value.Length} bytes; the limit (Platform:Caches:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }

        Checks.MediaType(options.ContentType, "contentType");
        if (CacheSpecRules.CheckTags(options.Tags, Limits.MaxTagsPerEntry) is { } tagError)
        {
            throw new PlatformValidationException("tags", tagError);
        }

        return new CacheSetRequest
        {
            Key = key,
            Value = value,
            ContentType = options.ContentType,
            TtlMs = Ms(options.Ttl, "ttlMs"),
            SlidingMs = Ms(options.Sliding, "slidingMs"),
            Tags = options.Tags,
            SourceVersion = options.SourceVersion,
            IfVersion = options.IfVersion,
            IfAbsent = options.IfAbsent,
        };
    }

    private int? Ms(TimeSpan? value, string field)
    {
        if (value is not { } v)
        {
            return null;
        }

        var ms = Math.Ceiling(v.TotalMilliseconds);
        return ms < 1 || ms > Limits.MaxTtlMs || ms > int.MaxValue
            ? throw new PlatformValidationException(field, $"must be between 1 and {Math.Min(Limits.MaxTtlMs, int.MaxValue)} ms (Platform:Caches:MaxTtlMs) (got {v.TotalMilliseconds})")
            : (int)ms;
    }

    /// <summary>Runs a call with this process's settings of the cache; once more with fresh settings when a shard says they are stale.</summary>
    private async Task<T> RunAsync<T>(string name, Func<Known, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var known = await KnownAsync(name, cancellationToken);
            try
            {
                return await call(known).WaitAsync(cancellationToken);
            }
            catch (CacheGoneException) when (attempt == 0)
            {
                Forget(name);
            }
        }
    }

    /// <summary>This process's settings of the cache while they are fresh, else null (then <see cref="KnownAsync"/>).</summary>
    private Known? Fresh(string name) => _known.TryGetValue(name, out var known) && time.GetUtcNow() < known.Until ? known : null;

    private async Task<Known> KnownAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(name, out var known) && now < known.Until)
        {
            return known;
        }

        Checks.Name(name, "name");
        var settings = await grains.GetGrain<ICacheGrain>(name).Get().WaitAsync(cancellationToken) ?? throw NotFound(name);
        if (known is not null && known.Settings.Generation == settings.Generation)
        {
            var renewed = known with { Until = now + SettingsTtl };
            _known[name] = renewed;
            return renewed;
        }

        var near = settings.Spec.NearCache is { Enabled: true }
            ? new NearCache(settings, grains, time, TimeSpan.FromMilliseconds(Limits.NearCacheCheckMs))
            : null;
        var fresh = new Known(settings, rings.For(settings.Spec.Shards), near, now + SettingsTtl);
        if (_known.TryGetValue(name, out var replaced))
        {
            replaced.Near?.Dispose();
        }

        _known[name] = fresh;
        return fresh;
    }

    private void Forget(string name)
    {
        if (_known.TryRemove(name, out var known))
        {
            known.Near?.Dispose();
        }
    }

    private sealed record Known(CacheSettings Settings, HashRing Ring, NearCache? Near, DateTimeOffset Until)
    {
        // GetGrain resolves the interface type by attribute reflection and the key is formatted per call: about 8%
        // of an HTTP GET's host CPU (perf). Filled lazily; a race only builds the same reference twice. A renewed
        // Known (same generation) shares the array.
        private ICacheShardGrain?[]? _shards;

        public ICacheShardGrain Shard(IGrainFactory grains, int index) =>
            (_shards ??= new ICacheShardGrain?[Settings.Spec.Shards])[index]
                ??= grains.GetGrain<ICacheShardGrain>(CacheShardKey.Of(Settings.Name, Settings.Generation, index));
    }
}

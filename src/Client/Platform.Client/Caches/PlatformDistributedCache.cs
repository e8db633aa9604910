using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Errors;

namespace Platform.Caches;

/// <summary>
/// <see cref="IDistributedCache"/> over one Platform cache (<see cref="PlatformDistributedCacheOptions.CacheName"/>,
/// created on first use when missing): absolute expiration (absolute or relative to now) becomes the entry's TTL,
/// sliding expiration the entry's sliding window (reads and <see cref="Refresh"/> extend it, never past the absolute
/// expiration); an expiration beyond <c>Platform:Caches:MaxTtlMs</c> is shortened to it. A cache whose spec enables a near cache serves non-sliding entries from this process's copy.
/// HybridCache uses it as its L2 (<c>AddHybridCache()</c> after <c>AddPlatformDistributedCache()</c>). HybridCache's
/// tag invalidations reach every host: the tag stamps it keeps in L2 (<c>__MSFT_HCT__{tag}</c>) that this process has
/// read are re-read every <see cref="PlatformDistributedCacheOptions.TagCheckInterval"/>, and a stamp another host
/// moved is applied to this process's HybridCache with its own <c>RemoveByTagAsync</c> (not written back).
/// </summary>
public sealed class PlatformDistributedCache(
    ICaches caches, IOptions<PlatformDistributedCacheOptions> options, IOptions<CachesOptions> limits, TimeProvider time, IServiceProvider services) : IDistributedCache, IDisposable
{
    /// <summary>The key prefix under which HybridCache keeps a tag's invalidation stamp in L2.</summary>
    public const string HybridTagPrefix = "__MSFT_HCT__";

    private readonly SemaphoreSlim _create = new(1, 1);
    private readonly ConcurrentDictionary<string, byte[]?> _stamps = new(StringComparer.Ordinal);
    private readonly AsyncLocal<bool> _applying = new();
    private readonly Lock _gate = new();
    private ITimer? _tagCheck;
    private int _checking;
    private volatile bool _exists;

    private string Name => options.Value.CacheName;

    /// <summary>Whether this process has seen the stamp of HybridCache tag <paramref name="tag"/> and re-reads it (tests).</summary>
    internal bool Tracks(string tag) => _stamps.ContainsKey(HybridTagPrefix + tag);

    public void Dispose()
    {
        _tagCheck?.Dispose();
        _create.Dispose();
    }

    /// <summary>
    /// Re-reads every tag stamp this process has seen; each one another host moved is applied to this process's
    /// HybridCache (its L1 and its tag times). Runs on a timer; answers how many tags were applied.
    /// </summary>
    public async Task<int> CheckTagsAsync(CancellationToken token = default)
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return 0;
        }

        try
        {
            var applied = 0;
            foreach (var (key, seen) in _stamps)
            {
                var now = await Run(() => caches.GetAsync(Name, key, token), token) is { } entry ? entry.Value : null;
                if (now is null || (seen is not null && now.AsSpan().SequenceEqual(seen)))
                {
                    continue;
                }

                _stamps[key] = now;
                if (services.GetService<HybridCache>() is { } hybrid)
                {
                    _applying.Value = true;
                    try
                    {
                        await hybrid.RemoveByTagAsync(key[HybridTagPrefix.Length..], token);
                    }
                    finally
                    {
                        _applying.Value = false;
                    }

                    applied++;
                }
            }

            return applied;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = await Run(() => caches.GetAsync(Name, key, token), token) is { } entry ? entry.Value : null;
        if (key.StartsWith(HybridTagPrefix, StringComparison.Ordinal))
        {
            Track(key, value);
        }

        return value;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        if (key.StartsWith(HybridTagPrefix, StringComparison.Ordinal))
        {
            if (_applying.Value)
            {
                return; // another host's stamp, applied here: L2 already holds it
            }

            Track(key, value);
        }

        TimeSpan? ttl = options.AbsoluteExpirationRelativeToNow;
        if (options.AbsoluteExpiration is { } absolute)
        {
            var left = absolute - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), absolute, "The absolute expiration value must be in the future.");
            }

            ttl = ttl is { } relative && relative < left ? relative : left;
        }

        if (options.SlidingExpiration is { } sliding && sliding <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), sliding, "The sliding expiration value must be positive.");
        }

        // Platform's limit on any TTL (Platform:Caches:MaxTtlMs) shortens a longer expiration instead of refusing it.
        var max = TimeSpan.FromMilliseconds(limits.Value.MaxTtlMs);
        await Run(() => caches.SetAsync(Name, key, value, new CacheSetOptions { Ttl = ttl > max ? max : ttl, Sliding = options.SlidingExpiration > max ? max : options.SlidingExpiration }, token), token);
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Run(() => caches.TouchAsync(Name, key, token), token);
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Run(() => caches.RemoveAsync(Name, key, token), token);
    }

    /// <summary>Remembers a tag stamp this process read or wrote, and starts the periodic check on the first one.</summary>
    private void Track(string key, byte[]? value)
    {
        _stamps[key] = value;
        var every = options.Value.TagCheckInterval;
        if (_tagCheck is null && every > TimeSpan.Zero)
        {
            lock (_gate)
            {
                _tagCheck ??= time.CreateTimer(_ => _ = CheckQuietlyAsync(), null, every, every);
            }
        }
    }

    private async Task CheckQuietlyAsync()
    {
        try
        {
            await CheckTagsAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreachable now: the next tick tries again.
        }
    }

    /// <summary>Runs a call; when the cache does not exist yet, creates it with the configured spec once and runs the call again.</summary>
    private async Task<T> Run<T>(Func<Task<T>> call, CancellationToken token)
    {
        if (!_exists)
        {
            await EnsureCacheAsync(token);
        }

        try
        {
            return await call();
        }
        catch (PlatformNotFoundException) when (_exists)
        {
            _exists = false;
            await EnsureCacheAsync(token);
            return await call();
        }
    }

    private async Task EnsureCacheAsync(CancellationToken token)
    {
        await _create.WaitAsync(token);
        try
        {
            if (!_exists)
            {
                try
                {
                    await caches.GetSettingsAsync(Name, token);
                }
                catch (PlatformNotFoundException)
                {
                    await caches.PutAsync(Name, options.Value.Spec, token);
                }

                _exists = true;
            }
        }
        finally
        {
            _create.Release();
        }
    }
}

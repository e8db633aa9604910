using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Platform.Errors;

namespace Platform.Caches;

/// <summary>
/// <see cref="IDistributedCache"/> over one Platform cache (<see cref="PlatformDistributedCacheOptions.CacheName"/>,
/// created on first use when missing): absolute expiration (absolute or relative to now) becomes the entry's TTL,
/// sliding expiration the entry's sliding window (reads and <see cref="Refresh"/> extend it, never past the absolute
/// expiration); an expiration beyond <c>Platform:Caches:MaxTtlMs</c> is shortened to it. A cache whose spec enables a near cache serves non-sliding entries from this process's copy.
/// HybridCache uses it as its L2 (<c>AddHybridCache()</c> after <c>AddPlatformDistributedCache()</c>).
/// </summary>
public sealed class PlatformDistributedCache(ICaches caches, IOptions<PlatformDistributedCacheOptions> options, IOptions<CachesOptions> limits, TimeProvider time) : IDistributedCache, IDisposable
{
    private readonly SemaphoreSlim _create = new(1, 1);
    private volatile bool _exists;

    private string Name => options.Value.CacheName;

    public void Dispose() => _create.Dispose();

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await Run(() => caches.GetAsync(Name, key, token), token) is { } entry ? entry.Value : null;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
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

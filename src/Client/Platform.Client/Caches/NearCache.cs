using System.Collections.Concurrent;

namespace Platform.Caches;

/// <summary>
/// This process's copy of one cache generation (an L1), kept coherent by the shards' pushes over Orleans grain
/// observers. Each shard numbers its changes; a copy is taken only when no change newer than the read has been seen
/// from its shard, a push removes the keys it names, and any gap in a shard's numbering (a lost push, a dropped
/// subscription, a reconnect, a re-activated shard) drops every copy of that shard. Every
/// <see cref="CachesOptions.NearCacheCheckMs"/> the subscriptions are renewed and the shard's number compared, so a
/// loss no later push reveals is found within that period. A shard's copies are served only while its number was
/// confirmed within the lease (two check periods): a check that hangs (a lost gateway, a paused silo) cannot stretch
/// the staleness bound. A copy never outlives <c>nearCache.ttlMs</c> either.
/// </summary>
internal sealed class NearCache : ICacheObserver, IDisposable
{
    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly long[] _sequence;
    private readonly long[] _confirmedTicks;
    private readonly bool[] _subscribed;
    private readonly Task?[] _subscribing;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ITimer _check;
    private readonly long _leaseTicks;
    private ICacheObserver? _reference;

    public NearCache(CacheSettings settings, IGrainFactory grains, TimeProvider time, TimeSpan checkEvery)
    {
        Settings = settings;
        _grains = grains;
        _time = time;
        _sequence = new long[settings.Spec.Shards];
        _subscribed = new bool[settings.Spec.Shards];
        _subscribing = new Task?[settings.Spec.Shards];
        _confirmedTicks = new long[settings.Spec.Shards];
        _leaseTicks = 2 * checkEvery.Ticks;
        _check = time.CreateTimer(_ => _ = CheckAsync(), null, checkEvery, checkEvery);
    }

    public CacheSettings Settings { get; }

    public int Count => _copies.Count;

    /// <summary>Copies dropped because a gap was seen (diagnostics and tests).</summary>
    public long GapsSeen { get; private set; }

    /// <summary>Copies of a shard dropped because its check failed (unreachable, cut off; diagnostics and tests).</summary>
    public long UnreachableSeen { get; private set; }

    private int Capacity => Settings.Spec.NearCache!.Capacity;

    private TimeSpan Ttl => TimeSpan.FromMilliseconds(Settings.Spec.NearCache!.TtlMs);

    /// <summary>The copy of a key if this process holds a live one.</summary>
    public CacheEntry? TryGet(string key)
    {
        if (_copies.TryGetValue(key, out var copy))
        {
            var now = _time.GetUtcNow();
            if (now < copy.Until && (copy.Entry.ExpiresAt is null || now < copy.Entry.ExpiresAt))
            {
                // Within the lease: the shard's number was confirmed recently enough; else ask the shard (the copy stays
                // until the next check decides).
                return now.UtcTicks - Volatile.Read(ref _confirmedTicks[copy.Shard]) <= _leaseTicks ? copy.Entry : null;
            }

            _copies.TryRemove(new KeyValuePair<string, Copy>(key, copy));
        }

        return null;
    }

    /// <summary>Keeps a copy of a read, unless the shard's pushes have moved past the read (the copy might be stale) or it is not subscribed yet.</summary>
    public void Offer(string key, int shard, CacheRead read)
    {
        if (read.Entry is not { } entry || entry.SlidingMs is not null)
        {
            return; // sliding entries are extended by reads, which a copy would hide from the shard
        }

        lock (_gate)
        {
            if (!_subscribed[shard] || _sequence[shard] > read.Sequence)
            {
                return;
            }

            if (_copies.Count >= Capacity && !_copies.ContainsKey(key))
            {
                // Full: drop some copy (the first the enumeration gives; no order is kept on the hot path).
                foreach (var victim in _copies.Keys)
                {
                    _copies.TryRemove(victim, out _);
                    break;
                }
            }

            _copies[key] = new Copy(entry, shard, _time.GetUtcNow() + Ttl);
        }
    }

    /// <summary>A write through this process: its own copy goes at once.</summary>
    public void Forget(string key) => _copies.TryRemove(key, out _);

    public void ForgetAll() => _copies.Clear();

    /// <summary>Subscribes to a shard the first time it is used; later calls return the same task.</summary>
    public Task EnsureSubscribedAsync(int shard)
    {
        lock (_gate)
        {
            return _subscribed[shard] ? Task.CompletedTask : _subscribing[shard] ??= SubscribeAsync(shard);
        }
    }

    public Task Changed(CacheChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Generation != Settings.Generation || change.Shard < 0 || change.Shard >= _sequence.Length)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            var shard = change.Shard;
            if (!_subscribed[shard])
            {
                return Task.CompletedTask;
            }

            if (change.Sequence == _sequence[shard] + 1 && change.Keys is { } keys)
            {
                foreach (var key in keys)
                {
                    _copies.TryRemove(key, out _);
                }
            }
            else if (change.Sequence > _sequence[shard])
            {
                // The whole shard changed, or a gap: something between was missed.
                if (change.Keys is not null)
                {
                    GapsSeen++;
                }

                DropShard(shard);
            }
            else if (change.Keys is { } late)
            {
                foreach (var key in late)
                {
                    _copies.TryRemove(key, out _);
                }
            }

            _sequence[shard] = Math.Max(_sequence[shard], change.Sequence);
        }

        return Task.CompletedTask;
    }

    /// <summary>For tests: stops hearing the shards' pushes without telling this near cache (a lost subscription).</summary>
    public async Task CutPushAsync()
    {
        if (_reference is { } reference)
        {
            await Task.WhenAll(Enumerable.Range(0, _sequence.Length).Select(i => Shard(i).Unsubscribe(reference)));
        }
    }

    /// <summary>
    /// Renews every subscription and compares sequences, the shards in parallel; a shard that moved on unheard, or
    /// cannot be reached, drops its copies; a shard whose number matches is confirmed as of the moment the check was sent.
    /// </summary>
    public Task CheckAsync() => Task.WhenAll(Enumerable.Range(0, _sequence.Length).Select(CheckAsync));

    private async Task CheckAsync(int shard)
    {
        bool subscribed;
        lock (_gate)
        {
            subscribed = _subscribed[shard];
        }

        if (!subscribed)
        {
            return;
        }

        var sent = _time.GetUtcNow().UtcTicks;
        try
        {
            var now = await Shard(shard).Subscribe(Reference());
            lock (_gate)
            {
                if (now != _sequence[shard])
                {
                    GapsSeen++;
                    DropShard(shard);
                    _sequence[shard] = now;
                }

                Confirm(shard, sent);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreachable or gone: nothing can be vouched for; subscribe afresh on next use.
            lock (_gate)
            {
                UnreachableSeen++;
                DropShard(shard);
                _subscribed[shard] = false;
                _subscribing[shard] = null;
            }
        }
    }

    public void Dispose()
    {
        _check.Dispose();
        if (_reference is { } reference)
        {
            try
            {
                _grains.DeleteObjectReference<ICacheObserver>(reference);
            }
            catch (ArgumentException)
            {
                // Already gone with its client (the host is stopping).
            }
        }
    }

    private async Task SubscribeAsync(int shard)
    {
        var sent = _time.GetUtcNow().UtcTicks;
        try
        {
            var sequence = await Shard(shard).Subscribe(Reference());
            lock (_gate)
            {
                DropShard(shard);
                _sequence[shard] = sequence;
                _subscribed[shard] = true;
                Confirm(shard, sent);
            }
        }
        catch
        {
            lock (_gate)
            {
                _subscribing[shard] = null;
            }

            throw;
        }
    }

    /// <summary>Under the gate: the shard's number was right as of <paramref name="sentTicks"/>.</summary>
    private void Confirm(int shard, long sentTicks) =>
        Volatile.Write(ref _confirmedTicks[shard], Math.Max(_confirmedTicks[shard], sentTicks));

    private void DropShard(int shard)
    {
        foreach (var (key, copy) in _copies)
        {
            if (copy.Shard == shard)
            {
                _copies.TryRemove(key, out _);
            }
        }
    }

    private ICacheObserver Reference()
    {
        lock (_gate)
        {
            return _reference ??= _grains.CreateObjectReference<ICacheObserver>(this);
        }
    }

    private ICacheShardGrain Shard(int index) =>
        _grains.GetGrain<ICacheShardGrain>(CacheShardKey.Of(Settings.Name, Settings.Generation, index));

    private sealed record Copy(CacheEntry Entry, int Shard, DateTimeOffset Until);
}

using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Platform.Locks;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Grain storage shared by the silos of one test cluster (and by later clusters given the same store), ETag-checked
/// like a real store: a stale write throws <see cref="InconsistentStateException"/>. Values are deep copies, so a
/// grain's in-memory changes never leak into storage without a write.
/// </summary>
public sealed class SharedGrainStorage(SharedGrainStorage.Store store, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = copier.Copy((T)row.State);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        lock (store.Rows)
        {
            var current = store.Rows.TryGetValue(key, out var row) ? row.ETag : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch on {key}: stored {current}, presented {grainState.ETag}.", current, grainState.ETag);
            }

            var etag = store.NextETag();
            store.Rows[key] = (copier.Copy(grainState.State)!, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        lock (store.Rows)
        {
            var current = store.Rows.TryGetValue(key, out var row) ? row.ETag : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch on {key}: stored {current}, presented {grainState.ETag}.", current, grainState.ETag);
            }

            store.Rows.TryRemove(key, out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    private static readonly ConcurrentDictionary<string, Store> Stores = new(StringComparer.Ordinal);

    /// <summary>The store named <paramref name="key"/> (created on first use); it outlives every silo and cluster using it.</summary>
    public static Store For(string key) => Stores.GetOrAdd(key, static _ => new Store());

    public static void Forget(string key) => Stores.TryRemove(key, out _);

    /// <summary>Registers the store named <paramref name="key"/> as this silo's lease (lock/semaphore/election) storage.</summary>
    public static void AddAsLeaseStorage(ISiloBuilder silo, string key)
    {
        var store = For(key);
        silo.Services.AddKeyedSingleton<IGrainStorage>(LockGrain.StorageName, (sp, _) => new SharedGrainStorage(store, sp.GetRequiredService<DeepCopier>()));
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";

    /// <summary>The rows of one logical store; outlives silos and clusters.</summary>
    public sealed class Store
    {
        private long _etags;

        public ConcurrentDictionary<string, (object State, string ETag)> Rows { get; } = new(StringComparer.Ordinal);

        public string NextETag() => Interlocked.Increment(ref _etags).ToString(CultureInfo.InvariantCulture);

        /// <summary>Changes a stored state behind the grains' backs (as another activation's write would), new ETag included.</summary>
        public void Tamper<T>(Func<string, bool> match, Action<T> change)
        {
            lock (Rows)
            {
                var key = Rows.Keys.Single(match);
                var (state, _) = Rows[key];
                change((T)state);
                Rows[key] = (state, NextETag());
            }
        }

        public void Remove(Func<string, bool> match)
        {
            lock (Rows)
            {
                Rows.TryRemove(Rows.Keys.Single(match), out _);
            }
        }
    }
}

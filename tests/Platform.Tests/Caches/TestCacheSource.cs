using System.Collections.Concurrent;
using Platform.Caches;

namespace Platform.Tests.Caches;

/// <summary>
/// What every silo's cache source does in the caches tests, shared by all silos of a cluster: counts calls per cache,
/// can hold a cache's loads after they read (a slow load), can fail a cache's writes, and serves sources
/// <c>http://memory.test/{key}</c> from memory (the source of the write-behind shutdown tests).
/// </summary>
public sealed class TestSourceState
{
    public const string MemoryUrl = "http://memory.test/{key}";

    public ConcurrentDictionary<string, int> Loads { get; } = new();

    public ConcurrentDictionary<string, int> Writes { get; } = new();

    /// <summary>Per cache, a gate a load waits on after reading its value.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> LoadGates { get; } = new();

    public ConcurrentDictionary<string, bool> FailWrites { get; } = new();

    /// <summary>The memory source's values: (cache, key) to value.</summary>
    public ConcurrentDictionary<(string Cache, string Key), byte[]> Memory { get; } = new();

    public int LoadsOf(string cache) => Loads.GetValueOrDefault(cache);

    public int WritesOf(string cache) => Writes.GetValueOrDefault(cache);

    /// <summary>Holds the cache's loads until the returned gate is opened.</summary>
    public TaskCompletionSource HoldLoads(string cache)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LoadGates[cache] = gate;
        return gate;
    }
}

/// <summary>One silo's source: <see cref="TestSourceState"/> around the production <see cref="ICacheSourceClient"/>.</summary>
public sealed class TestCacheSource(TestSourceState state, ICacheSourceClient inner) : ICacheSourceClient
{
    public async Task<CacheSourceValue?> LoadAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        state.Loads.AddOrUpdate(cache, 1, (_, n) => n + 1);
        var value = source.Http == TestSourceState.MemoryUrl
            ? state.Memory.TryGetValue((cache, key), out var bytes) ? new CacheSourceValue(bytes, null, null) : null
            : await inner.LoadAsync(cache, source, key, cancellationToken);
        if (state.LoadGates.TryGetValue(cache, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return value;
    }

    public async Task<long?> WriteAsync(string cache, CacheSource source, string key, byte[] value, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        state.Writes.AddOrUpdate(cache, 1, (_, n) => n + 1);
        if (state.FailWrites.ContainsKey(cache))
        {
            throw new HttpRequestException("the test source refuses writes");
        }

        if (source.Http == TestSourceState.MemoryUrl)
        {
            state.Memory[(cache, key)] = value;
            return null;
        }

        return await inner.WriteAsync(cache, source, key, value, contentType, cancellationToken);
    }

    public Task DeleteAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Http == TestSourceState.MemoryUrl)
        {
            state.Memory.TryRemove((cache, key), out _);
            return Task.CompletedTask;
        }

        return inner.DeleteAsync(cache, source, key, cancellationToken);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Platform.Errors;

namespace Platform.Caches;

/// <summary>
/// Holds one cache's settings. A put with a different spec hands out a new generation (the old generation's shards
/// are dropped, so no client keeps reading them) and is persisted before it is answered; calls are not interleaved.
/// </summary>
public sealed partial class CacheGrain(
    [PersistentState("cache")] IPersistentState<CacheState> state,
    IOptions<CachesOptions> options,
    TimeProvider time,
    ILogger<CacheGrain> logger) : Grain, ICacheGrain
{
    private CacheSettings? _published;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _published = state.State.Current;
        return Task.CompletedTask;
    }

    private ICacheCatalogGrain Catalog => GrainFactory.GetGrain<ICacheCatalogGrain>(ICacheCatalogGrain.Key);

    public Task<CacheSettings?> Get() => Task.FromResult(_published);

    public async Task<CachePutResult> Put(CacheSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var current = state.State.Current;
        if (current is not null && current.Spec == spec)
        {
            return new CachePutResult(current, Created: false, Changed: false);
        }

        if (current is null && !await Catalog.Add(Name, options.Value.MaxCaches))
        {
            throw new PlatformConflictException($"There are already {options.Value.MaxCaches} caches (Platform:Caches:MaxCaches); delete one first.");
        }

        var settings = new CacheSettings { Name = Name, Spec = spec, Generation = state.State.LastGeneration + 1, CreatedAt = time.GetUtcNow() };
        await Write(new CacheState { Current = settings, LastGeneration = settings.Generation });
        if (current is not null)
        {
            await DropShards(current);
        }

        return new CachePutResult(settings, Created: current is null, Changed: true);
    }

    public async Task<bool> Delete()
    {
        if (state.State.Current is not { } current)
        {
            return false;
        }

        await Write(state.State with { Current = null });
        await DropShards(current);
        await Catalog.Remove(Name);
        return true;
    }

    private async Task Write(CacheState next)
    {
        var published = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
            _published = next.Current;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = published;
            if (ex is InconsistentStateException)
            {
                await state.ReadStateAsync();
            }

            throw;
        }
    }

    /// <summary>Best effort: a shard that misses the drop finds its generation gone when it next activates.</summary>
    private async Task DropShards(CacheSettings old)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, old.Spec.Shards)
                .Select(i => GrainFactory.GetGrain<ICacheShardGrain>(CacheShardKey.Of(Name, old.Generation, i)).Drop()));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDropFailed(logger, ex, Name, old.Generation);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping the shards of cache {Cache} generation {Generation} failed; they find out on their next activation.")]
    private static partial void LogDropFailed(ILogger logger, Exception ex, string cache, long generation);
}

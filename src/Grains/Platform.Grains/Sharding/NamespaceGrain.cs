using Microsoft.Extensions.Options;
using Platform.KeyValue;
using Platform.Transactions;

namespace Platform.Sharding;

/// <summary>Holds one namespace's settings; the <c>default</c> namespace creates itself on first use.</summary>
public sealed class NamespaceGrain(
    [PersistentState("namespace")] IPersistentState<NamespaceState> state,
    IOptions<KeyValueOptions> options,
    TimeProvider time) : Grain, INamespaceGrain
{
    private string Name => this.GetPrimaryKeyString();

    public async Task<NamespaceSettings?> Get()
    {
        if (state.State.Current is null && Name == NamespaceSettings.DefaultNamespace)
        {
            return (await Create(new NamespaceSpec { Shards = options.Value.DefaultShards })).Settings;
        }

        return state.State.Current;
    }

    public async Task<NamespaceCreateResult> Create(NamespaceSpec spec)
    {
        if (state.State.Current is { } existing)
        {
            return new NamespaceCreateResult(existing, Created: false);
        }

        var settings = new NamespaceSettings
        {
            Name = Name,
            Shards = spec.Shards,
            Partitioning = spec.Partitioning,
            Transactional = spec.Transactional,
            Generation = state.State.LastGeneration + 1,
            CreatedAt = time.GetUtcNow(),
        };
        state.State.Current = settings;
        state.State.LastGeneration = settings.Generation;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<INamespaceCatalogGrain>(INamespaceCatalogGrain.Key).Add(Name);
        return new NamespaceCreateResult(settings, Created: true);
    }

    public async Task<bool> Delete()
    {
        if (state.State.Current is not { } settings)
        {
            return false;
        }

        if (Name == NamespaceSettings.DefaultNamespace)
        {
            throw new InvalidOperationException("The default namespace cannot be deleted.");
        }

        // Forget the namespace first: a shard that activates from now on sees it gone and refuses writes.
        state.State.Current = null;
        await state.WriteStateAsync();
        await Task.WhenAll(Enumerable.Range(0, settings.Shards).Select(i => settings.Transactional
            ? GrainFactory.GetGrain<ITransactionShardGrain>(settings.Shard(i).ToGrainKey()).Drop()
            : GrainFactory.GetGrain<IKeyValueShardGrain>(settings.Shard(i).ToGrainKey()).Drop()));
        await GrainFactory.GetGrain<INamespaceCatalogGrain>(INamespaceCatalogGrain.Key).Remove(Name);
        return true;
    }
}

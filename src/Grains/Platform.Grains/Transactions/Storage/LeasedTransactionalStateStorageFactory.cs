using Orleans.Transactions;
using Orleans.Transactions.Abstractions;
using Platform.Sharding;

namespace Platform.Transactions.Storage;

/// <summary>
/// Orleans' named transactional state storage factory, with the state of every grain that registered a
/// <see cref="ShardActivationLease"/> component (transactional shards) wrapped in <see cref="LeasedTransactionalStateStorage{TState}"/>.
/// </summary>
public sealed class LeasedTransactionalStateStorageFactory(IGrainContextAccessor contexts) : INamedTransactionalStateStorageFactory
{
    private readonly NamedTransactionalStateStorageFactory _inner = new(contexts);

    public ITransactionalStateStorage<TState> Create<TState>(string? storageName, string stateName)
        where TState : class, new()
    {
        var storage = _inner.Create<TState>(storageName, stateName);
        return contexts.GrainContext?.GetComponent<ShardActivationLease>() is { } lease
            ? new LeasedTransactionalStateStorage<TState>(storage, lease)
            : storage;
    }
}

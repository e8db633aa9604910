using Orleans.Storage;
using Orleans.Transactions.Abstractions;
using Platform.Sharding;

namespace Platform.Transactions.Storage;

/// <summary>
/// A transactional shard's state storage, loaded only under the shard's activation lease: the first load takes the
/// lease (waiting out another activation's) and then fences the storage (<see cref="ITransactionalStateFence"/>), so
/// the state this activation serves from memory includes every store of an earlier activation that can ever land.
/// A later load (Orleans restores after a failed store) renews the lease, and fails if another activation took it.
/// </summary>
public sealed class LeasedTransactionalStateStorage<TState>(ITransactionalStateStorage<TState> inner, ShardActivationLease lease) : ITransactionalStateStorage<TState>
    where TState : class, new()
{
    public async Task<TransactionalStorageLoadResponse<TState>> Load()
    {
        if (!lease.IsHeld)
        {
            await lease.TakeAsync(CancellationToken.None);
        }
        else if (!await lease.HoldAsync())
        {
            throw new InconsistentStateException("Another activation took this transactional shard's activation lease; this one must not load or serve it.");
        }

        if (inner is ITransactionalStateFence fence)
        {
            await fence.FenceAsync();
        }

        return await inner.Load();
    }

    // No lease check here: the fence of a later activation's load makes any store of this one fail its ETag check.
    public Task<string> Store(string? expectedETag, TransactionalStateMetaData metadata, List<PendingTransactionState<TState>>? statesToPrepare, long? commitUpTo, long? abortAfter) =>
        inner.Store(expectedETag, metadata, statesToPrepare, commitUpTo, abortAfter);
}

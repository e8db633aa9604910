using Orleans.Concurrency;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>
/// Runs a transaction as the Orleans transaction's root: reads the compared keys per shard, picks the branch, then
/// applies its operations per shard (operations on one key always share a shard, so their order is kept).
/// Stateless: any silo runs any transaction, and nothing here outlives the call.
/// </summary>
[StatelessWorker]
public sealed class TxnCoordinatorGrain : Grain, ITxnCoordinatorGrain
{
    public async Task<TxnResult> Execute(TxnRequest request)
    {
        var ns = request.Namespace;

        // Shards that either branch writes take their comparison reads with a write lock at once: a read lock
        // upgraded later deadlocks against a concurrent transaction doing the same and aborts one of them.
        var writtenShards = request.Success.Concat(request.Failure)
            .Where(op => op.Kind != TxnOpKind.Get)
            .Select(op => op.Shard)
            .ToHashSet();

        var entries = new Dictionary<string, KvEntry>(StringComparer.Ordinal);
        if (request.Compare.Count > 0)
        {
            var reads = await Task.WhenAll(request.Compare.GroupBy(c => c.Shard).Select(group =>
                Shard(ns, group.Key).Read([.. group.Select(c => c.Key).Distinct(StringComparer.Ordinal)], writtenShards.Contains(group.Key))));
            foreach (var entry in reads.SelectMany(r => r))
            {
                entries[entry.Key] = entry;
            }
        }

        var succeeded = request.Compare.All(c => TxnEvaluator.Holds(c, entries.GetValueOrDefault(c.Key)));
        var ops = succeeded ? request.Success : request.Failure;
        var results = new TxnOpResult[ops.Count];
        await Task.WhenAll(ops.Select((op, index) => (op, index)).GroupBy(x => x.op.Shard).Select(async group =>
        {
            var applied = await Shard(ns, group.Key).Apply([.. group.Select(x => x.op)]);
            var i = 0;
            foreach (var (_, index) in group)
            {
                results[index] = applied[i++];
            }
        }));

        return new TxnResult { Succeeded = succeeded, Results = results };
    }

    private ITxnShardGrain Shard(NamespaceSettings ns, int index) =>
        GrainFactory.GetGrain<ITxnShardGrain>(ns.Shard(index).ToGrainKey());
}

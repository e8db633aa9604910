using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>
/// Runs a transaction as the Orleans transaction's root: locks every shard it touches in ascending order (reading the
/// compared keys on the way), picks the branch, then applies its operations per shard (operations on one key always
/// share a shard, so their order is kept).
/// Stateless: any silo runs any transaction, and nothing here outlives the call.
/// </summary>
[StatelessWorker]
// The grain type shipped under the old class name; stored grain ids keep it.
[GrainType("txncoordinator")]
public sealed class TransactionCoordinatorGrain(IOptions<TransactionOptions> options) : Grain, ITransactionCoordinatorGrain
{
    public async Task<TransactionResult> Execute(TransactionSpec request)
    {
        // The client checks the same limit first; a caller that bypasses it is refused here before anything runs.
        var maxOps = options.Value.MaxOps;
        foreach (var (field, count) in new[] { ("compare", request.Compare.Count), ("success", request.Success.Count), ("failure", request.Failure.Count) })
        {
            if (count > maxOps)
            {
                throw new PlatformValidationException(field, $"has {count} entries, over the limit of {maxOps} ({TransactionOptions.SectionName}:MaxOps)");
            }
        }

        var ns = request.Namespace;

        // Lock phase: every shard either branch touches is locked one after the other in ascending shard order, so
        // two transactions never wait for each other's locks in a cycle (ordered locking cannot deadlock). Shards a
        // branch writes take the write lock at once (no read-to-write upgrade later); the compared keys are read here.
        var writtenShards = request.Success.Concat(request.Failure)
            .Where(op => op.Kind != TransactionOpKind.Get)
            .Select(op => op.Shard)
            .ToHashSet();
        var compareKeys = request.Compare.ToLookup(c => c.Shard, c => c.Key);
        var shards = request.Compare.Select(c => c.Shard)
            .Concat(request.Success.Select(op => op.Shard))
            .Concat(request.Failure.Select(op => op.Shard))
            .Distinct()
            .Order();

        var entries = new Dictionary<string, KeyValueEntry>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            var keys = compareKeys[shard].Distinct(StringComparer.Ordinal).ToList();
            foreach (var entry in await Shard(ns, shard).Read(keys, writtenShards.Contains(shard)))
            {
                entries[entry.Key] = entry;
            }
        }

        var succeeded = request.Compare.All(c => TransactionEvaluator.Holds(c, entries.GetValueOrDefault(c.Key)));

        // Apply phase: this transaction holds every lock it needs, so the shards run their operations in parallel.
        var ops = succeeded ? request.Success : request.Failure;
        var results = new TransactionOpResult[ops.Count];
        await Task.WhenAll(ops.Select((op, index) => (op, index)).GroupBy(x => x.op.Shard).Select(async group =>
        {
            var applied = await Shard(ns, group.Key).Apply([.. group.Select(x => x.op)]);
            var i = 0;
            foreach (var (_, index) in group)
            {
                results[index] = applied[i++];
            }
        }));

        return new TransactionResult { Succeeded = succeeded, Results = results };
    }

    private ITransactionShardGrain Shard(NamespaceSettings ns, int index) =>
        GrainFactory.GetGrain<ITransactionShardGrain>(ns.Shard(index).ToGrainKey());
}

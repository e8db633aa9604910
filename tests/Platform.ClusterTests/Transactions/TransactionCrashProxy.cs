using System.Collections.Concurrent;
using System.Globalization;
using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Transactions;

/// <summary>
/// A black-box crash point for a transactional shard's participant in a real silo process: a
/// <see cref="TableStorageProxy"/> in front of the victim silo that reads the transactional-state batches of the
/// shard's Azure Table partition on the wire (row <c>k</c>: <c>CommittedSequenceId</c>; rows <c>s_{seq:x16}</c>: one
/// record each, with its <c>TransactionId</c>; see TableTransactionalStateStorage) and SIGKILLs the silo at the
/// armed step of the first transaction whose record is prepared after <see cref="Arm"/>:
/// <see cref="TransactionCrashStep.Prepared"/> once storage accepted the batch adding that record (the answer is
/// never relayed, so the participant never votes); <see cref="TransactionCrashStep.CommitDecided"/> when the batch
/// moving <c>CommittedSequenceId</c> to that record arrives (it is held, storage never sees it). Nothing in the
/// product changes; the test needs its participant shard to be one the manager is not (the manager of a Platform
/// transaction is its lowest written shard).
/// </summary>
public sealed class TransactionCrashProxy : IAsyncDisposable
{
    private const string KeyRow = "k";
    private const string StatePrefix = "s_";
    private readonly TableStorageProxy _proxy;
    private readonly Action _kill;
    private readonly TaskCompletionSource<CrashedRecord> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _seen = new();
    private string? _partitionMarker;
    private TransactionCrashStep _step;
    private bool _armed;
    private (long SequenceId, string TransactionId, string Partition)? _target;
    private long _committed;
    private long _prepared;

    /// <param name="connectionString">The real storage's connection string.</param>
    /// <param name="kill">SIGKILLs the victim silo (called from the proxy, right at the step).</param>
    public TransactionCrashProxy(string connectionString, Action kill)
    {
        _kill = kill;
        _proxy = new TableStorageProxy(connectionString, Inspect, Cut);
    }

    /// <summary>The connection string to give the victim silo (<c>Platform:Storage:ConnectionString</c>).</summary>
    public string ConnectionString => _proxy.ConnectionString;

    /// <summary>Completes when the silo was killed at the armed step, naming the transaction.</summary>
    public Task<CrashedRecord> Reached => _reached.Task;

    /// <summary>The watched partition's commit pointer and highest record as last written through the proxy.</summary>
    public (long Committed, long Prepared) Watched { get { lock (_seen) { return (_committed, _prepared); } } }

    /// <summary>The last batches of the watched partition, one line each (for a failing test's output).</summary>
    public IEnumerable<string> Seen => _seen;

    /// <summary>Watches the partition of the transactional shard <paramref name="grainKey"/> (<c>ns/generation/index</c>, as <c>/locate</c> names it).</summary>
    public void Watch(string grainKey)
    {
        lock (_seen)
        {
            _partitionMarker = "txnshard%2F" + grainKey.Replace("/", "%2F", StringComparison.Ordinal) + "_";
        }
    }

    /// <summary>Crashes at <paramref name="step"/> of the first transaction whose record the watched partition prepares from now on.</summary>
    public void Arm(TransactionCrashStep step)
    {
        lock (_seen)
        {
            _step = step;
            _armed = true;
        }
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private TableProxyAction Inspect(IReadOnlyList<TableBatchOperation> batch)
    {
        lock (_seen)
        {
            var ops = batch.Where(o => _partitionMarker is { } marker && o.PartitionKey.Contains(marker, StringComparison.Ordinal)).ToList();
            var key = ops.FirstOrDefault(o => o.RowKey == KeyRow && !o.IsDelete);
            if (key?.NumberOf("CommittedSequenceId") is not { } committed)
            {
                return TableProxyAction.Forward;
            }

            var records = ops.Where(o => !o.IsDelete && IsRecordHead(o.RowKey) && o.TextOf("TransactionId") is not null)
                .Select(o => (SequenceId: SequenceOf(o.RowKey), TransactionId: o.TextOf("TransactionId")!))
                .Where(r => r.SequenceId > committed)
                .ToList();
            _seen.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} commit {committed}, prepares [{string.Join(", ", records.Select(r => $"{r.SequenceId}:{r.TransactionId}"))}], {ops.Count(o => o.IsDelete)} deletes");
            while (_seen.Count > 40)
            {
                _seen.TryDequeue(out _);
            }

            _committed = committed;
            _prepared = Math.Max(_prepared, records.Count > 0 ? records.Max(r => r.SequenceId) : committed);
            if (!_armed)
            {
                return TableProxyAction.Forward;
            }

            if (_target is null && records.Count > 0)
            {
                var first = records.MinBy(r => r.SequenceId);
                _target = (first.SequenceId, first.TransactionId, key.PartitionKey);
                if (_step == TransactionCrashStep.Prepared)
                {
                    return TableProxyAction.ForwardThenCut;
                }

                return TableProxyAction.Forward;
            }

            return _step == TransactionCrashStep.CommitDecided && _target is { } target && committed >= target.SequenceId
                ? TableProxyAction.HoldThenCut
                : TableProxyAction.Forward;
        }
    }

    private Task Cut(IReadOnlyList<TableBatchOperation> batch, string answer)
    {
        _kill();
        var target = _target!.Value;
        _reached.TrySetResult(new CrashedRecord(_step, target.Partition, target.SequenceId, target.TransactionId, answer));
        return Task.CompletedTask;
    }

    private static bool IsRecordHead(string rowKey) => rowKey.StartsWith(StatePrefix, StringComparison.Ordinal) && rowKey.Length == StatePrefix.Length + 16;

    private static long SequenceOf(string rowKey) => long.Parse(rowKey.AsSpan(StatePrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}

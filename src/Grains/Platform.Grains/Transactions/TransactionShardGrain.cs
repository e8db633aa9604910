using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Transactions.Abstractions;
using Platform.Errors;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Transactions.Storage;

namespace Platform.Transactions;

/// <summary>
/// One shard of a transactional namespace: all its keys in one <see cref="ITransactionalState{TState}"/>, so Orleans'
/// transaction manager locks, prepares and commits them with every other participant of a transaction.
/// </summary>
/// <remarks>
/// <para>
/// A read is served from this activation's memory only while it holds the shard's activation lease (the same
/// <see cref="ShardActivationLease"/> as key-value shards), taken before Orleans loads the state: the storage wrapper
/// (<see cref="Storage.LeasedTransactionalStateStorage{TState}"/>) waits out another activation's lease, then fences
/// the storage so no store of an earlier activation can land after the load. So a duplicate or a silo declared dead
/// can neither answer a read after a newer activation wrote nor commit a write (a read-only transaction through it
/// fails with 503 instead of reading a stale shard: no write skew).
/// </para>
/// <para>
/// Reentrant by design: a call waiting for this shard's transaction lock must not hold the grain's turn, or the
/// lock holder's next call to this shard (its apply step) queues behind it and both wait until the lock times out.
/// Isolation comes from Orleans' transaction locks on the state, not from turn-based concurrency; the grain's own
/// fields are set on activation (<see cref="_gone"/> only ever turns true).
/// </para>
/// </remarks>
[Reentrant]
// The grain type shipped under the old class name; stored grain ids keep it.
[GrainType("txnshard")]
public sealed partial class TransactionShardGrain(
    [TransactionalState(TransactionStorage.StateName, TransactionStorage.Name)] ITransactionalState<TransactionShardState> state,
    ILocalSiloDetails silo,
    IOptions<KeyValueOptions> options,
    TimeProvider time,
    IShardStorage leases,
    IGrainContextAccessor contexts,
    TransactionMetrics metrics,
    ILogger<TransactionShardGrain> logger) : Grain, ITransactionShardGrain
{
    private readonly ShardActivationLease _lease = RegisterLease(contexts.GrainContext, leases, options.Value, logger);
    private ShardId _id;
    private bool _gone;

    /// <summary>
    /// Created with the grain, before Orleans loads its transactional state (lifecycle stage SetupState): the storage
    /// wrapper finds it as a grain-context component and loads under it.
    /// </summary>
    private static ShardActivationLease RegisterLease(IGrainContext context, IShardStorage leases, KeyValueOptions options, ILogger logger)
    {
        var lease = new ShardActivationLease(leases, ShardId.Parse(context.GrainId.Key.ToString()!), options.ShardLeaseTime, logger);
        context.SetComponent(lease);
        return lease;
    }
    private ITransactionalStateSizeLimit? _sizeLimit;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = ShardId.Parse(this.GetPrimaryKeyString());

        // A storage that bounds one state (Azure Table: 960 KiB) is checked inside each writing transaction.
        _sizeLimit = ServiceProvider.GetKeyedService<ITransactionalStateStorageFactory>(TransactionStorage.Name) as ITransactionalStateSizeLimit;
        var settings = await GrainFactory.GetGrain<INamespaceGrain>(_id.Namespace).Get();
        _gone = settings is null || settings.Generation != _id.Generation || !settings.Transactional;
        LogActivated(_id, _gone);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ShardRemoved(_id);
        return _lease.ReleaseAsync(cancellationToken);
    }

    /// <summary>
    /// Serving needs the lease: renewed (one ETag-checked write) when half of it is gone. When another activation took
    /// it, this one's memory may be stale: it deactivates and answers 503 (retry-safe: nothing was read or changed).
    /// </summary>
    private ValueTask EnsureLeaseAsync() => _lease.IsFresh ? ValueTask.CompletedTask : RenewOrLeaveAsync();

    private async ValueTask RenewOrLeaveAsync()
    {
        if (await _lease.HoldAsync())
        {
            return;
        }

        LogLeaseLost(_id);
        DeactivateOnIdle();
        throw new PlatformUnavailableException($"Shard {_id} moved to another activation; retry.");
    }

    public async Task<KeyValueEntry?> Get(string key)
    {
        if (_gone)
        {
            throw Gone();
        }

        await EnsureLeaseAsync();
        return await state.PerformRead(s => KeyValueWriteRules.Live(s.Entries.GetValueOrDefault(key)));
    }

    public async Task<IReadOnlyList<KeyValueEntry>> GetMany(IReadOnlyList<string> keys)
    {
        if (_gone)
        {
            throw Gone();
        }

        await EnsureLeaseAsync();
        return await state.PerformRead(s => Existing(s, keys));
    }

    public async Task<KeyValueWriteResult> Write(KeyValueWriteRequest request)
    {
        if (_gone)
        {
            return new KeyValueWriteResult { Status = KeyValueWriteStatus.NamespaceGone, Detail = $"Namespace '{_id.Namespace}' was deleted." };
        }

        KeyValueWriteRules.Validate(request, options.Value);
        await EnsureLeaseAsync();

        // One write lock from the start (a read lock upgraded later would deadlock against a concurrent writer), taken
        // before the lock's check: no other write of this shard can land between the check and this write. A refusal
        // changes nothing (the transaction then commits an unchanged state).
        var stored = await state.PerformUpdate(s => s.Entries.GetValueOrDefault(request.Key));
        if (request.Fence is { } fence && await KeyValueWriteRules.CheckLockAsync(GrainFactory, fence) is { } refused)
        {
            return refused;
        }

        var lockTokens = KeyValueWriteRules.NeedsLockTokens(stored, request, options.Value)
            ? await KeyValueWriteRules.LockTokensAsync(GrainFactory, stored!, request.Fence!)
            : null;
        var now = time.GetUtcNow();
        return await state.PerformUpdate(s =>
        {
            var current = s.Entries.GetValueOrDefault(request.Key);
            var result = KeyValueWriteRules.Decide(current, request, lockTokens, options.Value, now, out var next);
            if (next is not null)
            {
                s.Entries[request.Key] = next;
                CheckSize(s, [(request.Key, current)]);
                ReportFigures(s);
            }

            return result;
        });
    }

    public async Task<IReadOnlyList<KeyValueKeyInfo>> ListKeys(string prefix, string? after, int limit)
    {
        if (_gone)
        {
            throw Gone();
        }

        if (limit <= 0)
        {
            return [];
        }

        await EnsureLeaseAsync();
        return await state.PerformRead(s => (IReadOnlyList<KeyValueKeyInfo>)[.. s.Entries.Values
            .Where(e => !e.Deleted && e.Key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(e.Key, after) > 0))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(e => new KeyValueKeyInfo(e.Key, e.Version, e.Value.Length))]);
    }

    public async Task<KeyValueShardStats> Stats()
    {
        if (_gone)
        {
            throw Gone();
        }

        await EnsureLeaseAsync();
        var (keys, bytes) = await state.PerformRead(Figures);
        metrics.ShardFigures(_id, keys, bytes);
        return new KeyValueShardStats { Silo = silo.SiloAddress.ToParsableString(), Keys = keys, Bytes = bytes };
    }

    public async Task Drop()
    {
        // No DeactivateOnIdle here: the transaction commits after this method returns, through this activation.
        _gone = true;
        await state.PerformUpdate(s => s.Entries.Clear());
        metrics.ShardRemoved(_id);
    }

    public async Task<IReadOnlyList<KeyValueEntry>> Read(IReadOnlyList<string> keys, bool forUpdate)
    {
        if (_gone)
        {
            throw Gone();
        }

        await EnsureLeaseAsync();
        return forUpdate ? await state.PerformUpdate(s => Existing(s, keys)) : await state.PerformRead(s => Existing(s, keys));
    }

    public async Task<IReadOnlyList<TransactionOpResult>> Apply(IReadOnlyList<TransactionOp> ops)
    {
        if (_gone)
        {
            throw Gone();
        }

        await EnsureLeaseAsync();
        if (ops.All(op => op.Kind == TransactionOpKind.Get))
        {
            return await state.PerformRead(s => (IReadOnlyList<TransactionOpResult>)[.. ops.Select(op => Found(op, KeyValueWriteRules.Live(s.Entries.GetValueOrDefault(op.Key))))]);
        }

        return await state.PerformUpdate(s => ApplyAll(s, ops));
    }

    /// <summary>
    /// Computes every operation against an overlay first and changes the state only when all succeeded, so a failing
    /// operation leaves this shard's state untouched even before the transaction's abort discards it.
    /// </summary>
    private List<TransactionOpResult> ApplyAll(TransactionShardState s, IReadOnlyList<TransactionOp> ops)
    {
        var overlay = new Dictionary<string, KeyValueEntry>(StringComparer.Ordinal);
        var results = new List<TransactionOpResult>(ops.Count);
        var now = time.GetUtcNow();
        var limits = options.Value;
        foreach (var op in ops)
        {
            // stored: the key as stored (a tombstone included, for its version and fences); current: what callers see.
            var stored = overlay.TryGetValue(op.Key, out var changed) ? changed : s.Entries.GetValueOrDefault(op.Key);
            var current = KeyValueWriteRules.Live(stored);
            switch (op.Kind)
            {
                case TransactionOpKind.Get:
                    results.Add(Found(op, current));
                    break;
                case TransactionOpKind.Put:
                    var value = op.Value ?? [];
                    if (value.Length > limits.MaxValueBytes)
                    {
                        throw new PlatformPayloadTooLargeException($"value of key '{op.Key}' is {value.Length} bytes, over the limit of {limits.MaxValueBytes}");
                    }

                    // Unfenced writes keep the key's fence record: a stale holder stays refused afterwards.
                    var put = new KeyValueEntry { Key = op.Key, Value = value, ContentType = op.ContentType, Version = KeyValueWriteRules.NextVersion(stored), ModifiedAt = now, Fences = stored?.Fences };
                    overlay[op.Key] = put;
                    results.Add(new TransactionOpResult { Kind = op.Kind, Key = op.Key, Found = true, Version = put.Version });
                    break;
                case TransactionOpKind.Delete:
                    if (current is not null)
                    {
                        overlay[op.Key] = KeyValueWriteRules.Tombstone(current, current.Fences, now);
                    }

                    results.Add(new TransactionOpResult { Kind = op.Kind, Key = op.Key, Found = current is not null, Version = current?.Version ?? 0 });
                    break;
                case TransactionOpKind.Add:
                    long before = 0;
                    if (current is not null && !TransactionIntegers.TryParse(current.Value, out before))
                    {
                        throw new TransactionOpFailedException($"add on key '{op.Key}': its value is not a signed 64-bit integer in text.");
                    }

                    long after;
                    try
                    {
                        after = checked(before + op.Amount);
                    }
                    catch (OverflowException)
                    {
                        throw new TransactionOpFailedException($"add on key '{op.Key}': {before} + {op.Amount} overflows a signed 64-bit integer.");
                    }

                    var sum = new KeyValueEntry
                    {
                        Key = op.Key,
                        Value = TransactionIntegers.Format(after),
                        ContentType = current?.ContentType ?? "text/plain; charset=utf-8",
                        Version = KeyValueWriteRules.NextVersion(stored),
                        ModifiedAt = now,
                        Fences = stored?.Fences,
                    };
                    overlay[op.Key] = sum;
                    results.Add(new TransactionOpResult { Kind = op.Kind, Key = op.Key, Found = true, Version = sum.Version, Value = sum.Value, ContentType = sum.ContentType });
                    break;
                default:
                    throw new TransactionOpFailedException($"unknown operation {op.Kind} on key '{op.Key}'.");
            }
        }

        var previous = overlay.Keys.Select(key => (key, s.Entries.GetValueOrDefault(key))).ToList();
        foreach (var (key, entry) in overlay)
        {
            s.Entries[key] = entry;
        }

        CheckSize(s, previous);
        ReportFigures(s);
        return results;
    }

    /// <summary>
    /// Refuses a state over what the storage holds, inside the transaction (so it aborts with this reason, and nothing
    /// reaches the storage), putting back <paramref name="previous"/> first so the state is untouched.
    /// </summary>
    private void CheckSize(TransactionShardState s, IReadOnlyList<(string Key, KeyValueEntry? Entry)> previous)
    {
        if (_sizeLimit is not { } limit)
        {
            return;
        }

        var bytes = limit.SerializedBytes(s);
        if (bytes <= limit.MaxStateBytes)
        {
            return;
        }

        foreach (var (key, entry) in previous)
        {
            if (entry is null)
            {
                s.Entries.Remove(key);
            }
            else
            {
                s.Entries[key] = entry;
            }
        }

        throw new PlatformPayloadTooLargeException(
            $"shard {_id.Index} of namespace '{_id.Namespace}' would hold {bytes} bytes serialized, over the {limit.MaxStateBytes} bytes ({limit.MaxStateBytes / 1024} KiB) " +
            "one transactional shard's state may take; nothing was applied and retrying does not help: delete keys, or use a namespace with more shards");
    }

    private static (long Keys, long Bytes) Figures(TransactionShardState s) =>
        (s.Entries.Values.Count(e => !e.Deleted), s.Entries.Values.Where(e => !e.Deleted).Sum(e => (long)e.Value.Length));

    // One pass over the state per write: the same order as the copy Orleans makes of it for each transaction.
    private void ReportFigures(TransactionShardState s)
    {
        var (keys, bytes) = Figures(s);
        metrics.ShardFigures(_id, keys, bytes);
    }

    private static TransactionOpResult Found(TransactionOp op, KeyValueEntry? entry) => new()
    {
        Kind = op.Kind,
        Key = op.Key,
        Found = entry is not null,
        Version = entry?.Version ?? 0,
        Value = entry?.Value,
        ContentType = entry?.ContentType,
    };

    private static IReadOnlyList<KeyValueEntry> Existing(TransactionShardState s, IReadOnlyList<string> keys) =>
        [.. keys.Select(k => KeyValueWriteRules.Live(s.Entries.GetValueOrDefault(k))).OfType<KeyValueEntry>()];

    private TransactionOpFailedException Gone() => new($"Namespace '{_id.Namespace}' was deleted or is not transactional; refresh and retry.") { NamespaceGone = true };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transactional shard {Shard}: another activation took the activation lease; deactivating")]
    private partial void LogLeaseLost(ShardId shard);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transactional shard {Shard} activated (gone: {Gone})")]
    private partial void LogActivated(ShardId shard, bool gone);
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Transactions.Abstractions;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Tests.Transactions;

/// <summary>
/// Test-only fault hook for transactional storage: decorates the <see cref="TransactionStorage.Name"/> storage of every
/// silo of a test cluster (<see cref="Install"/>), and, once armed for one silo, stops that silo's storage dead at a
/// chosen point of two-phase commit of one named transaction: the first whose record a participant on that silo
/// prepares (for a manager on another silo) after <see cref="Arm"/>. From that moment the silo's transactional storage never completes another call
/// (it hangs until <see cref="Release"/>, then fails), so nothing it does afterwards reaches storage or answers a
/// transaction manager: as far as storage and the other participants can tell, the process died there. The test
/// then kills the silo and checks what recovery made of the transaction.
/// </summary>
internal sealed class TransactionCrashPoint
{
    private readonly TaskCompletionSource<CrashedTransaction> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _released = new();
    private SiloAddress? _victim;
    private CrashPhase _phase;
    private int _crashed;
    private CrashedTransaction? _target;

    /// <summary>Completes with the crashed participant's grain and the transaction it crashed in when the armed point was reached.</summary>
    public Task<CrashedTransaction> Reached => _reached.Task;

    /// <summary>The transaction the point will crash in, once a participant on the victim prepared it (null before).</summary>
    public CrashedTransaction? Target { get { lock (_gate) { return _target; } } }

    public bool HasCrashed => Volatile.Read(ref _crashed) == 1;

    /// <summary>Makes <paramref name="silo"/> crash at <paramref name="phase"/> the next time one of its participants gets there.</summary>
    public void Arm(SiloAddress silo, CrashPhase phase)
    {
        _phase = phase;
        Volatile.Write(ref _victim, silo);
    }

    /// <summary>Lets the hung calls of the crashed silo fail (call after the silo was killed).</summary>
    public void Release() => _released.Cancel();

    /// <summary>Wraps the transactional storage factory every silo of the cluster registers (call after AddPlatformGrains).</summary>
    public void Install(ISiloBuilder silo)
    {
        var original = silo.Services.Last(d => d.ServiceType == typeof(ITransactionalStateStorageFactory) && Equals(d.ServiceKey, TransactionStorage.Name));
        silo.Services.Remove(original);
        silo.Services.AddKeyedSingleton<ITransactionalStateStorageFactory>(TransactionStorage.Name, (sp, key) => new Factory(
            (ITransactionalStateStorageFactory)original.KeyedImplementationFactory!(sp, key),
            this,
            sp.GetRequiredService<ILocalSiloDetails>().SiloAddress));
    }

    private bool IsVictim(SiloAddress silo) => silo.Equals(Volatile.Read(ref _victim));

    private bool IsDead(SiloAddress silo) => HasCrashed && IsVictim(silo);

    /// <summary>A participant on <paramref name="silo"/> stored its record <paramref name="sequenceId"/> of a remote manager's transaction.</summary>
    private void Prepared(SiloAddress silo, string grain, long sequenceId, string transactionId)
    {
        if (!IsVictim(silo))
        {
            return;
        }

        lock (_gate)
        {
            _target ??= new CrashedTransaction(grain, sequenceId, transactionId);
        }
    }

    /// <summary>True when this is the armed point of the named transaction (at most once).</summary>
    private bool TryCrash(SiloAddress silo, CrashPhase phase, string grain, long sequenceId)
    {
        CrashedTransaction? target;
        lock (_gate)
        {
            target = _target;
        }

        if (!IsVictim(silo) || phase != _phase || target is null || target.Grain != grain || sequenceId < target.SequenceId
            || Interlocked.CompareExchange(ref _crashed, 1, 0) != 0)
        {
            return false;
        }

        _reached.TrySetResult(target);
        return true;
    }

    private async Task<T> Hang<T>()
    {
        await Task.Delay(Timeout.Infinite, _released.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        throw new IOException("the silo crashed (test fault hook): this storage call never completed");
    }

    private sealed class Factory(ITransactionalStateStorageFactory inner, TransactionCrashPoint point, SiloAddress silo) : ITransactionalStateStorageFactory
    {
        public ITransactionalStateStorage<TState> Create<TState>(string stateName, IGrainContext context)
            where TState : class, new() => new Storage<TState>(inner.Create<TState>(stateName, context), point, silo, context.GrainId.ToString());
    }

    private sealed class Storage<TState>(ITransactionalStateStorage<TState> inner, TransactionCrashPoint point, SiloAddress silo, string grain) : ITransactionalStateStorage<TState>, ITransactionalStateFence
        where TState : class, new()
    {

        // The shards fence their storage when an activation loads it (LeasedTransactionalStateStorage): keep that.
        public Task FenceAsync(CancellationToken cancellationToken = default) =>
            point.IsDead(silo) ? point.Hang<bool>() : inner is ITransactionalStateFence fence ? fence.FenceAsync(cancellationToken) : Task.CompletedTask;

        public Task<TransactionalStorageLoadResponse<TState>> Load() =>
            point.IsDead(silo) ? point.Hang<TransactionalStorageLoadResponse<TState>>() : inner.Load();

        public async Task<string> Store(string? expectedETag, TransactionalStateMetaData metadata, List<PendingTransactionState<TState>>? statesToPrepare, long? commitUpTo, long? abortAfter)
        {
            if (point.IsDead(silo))
            {
                return await point.Hang<string>();
            }

            var prepared = statesToPrepare is { Count: > 0 } ? statesToPrepare.Max(s => s.SequenceId) : 0;

            // The confirmation of a commit a remote manager decided: the commit point moves over the named
            // transaction's record, prepared earlier. Crash before it is written. (A manager committing its own
            // transaction writes its commit record into the metadata; a participant confirming a remote manager's
            // decision does not, which tells the two apart.)
            if (commitUpTo is { } upTo && metadata.CommitRecords.Count == 0 && point.TryCrash(silo, CrashPhase.CommitDecided, grain, upTo))
            {
                return await point.Hang<string>();
            }

            var etag = await inner.Store(expectedETag, metadata, statesToPrepare, commitUpTo, abortAfter);
            if (prepared > 0 && (commitUpTo ?? 0) < prepared)
            {
                // A participant's prepare of a remote manager's transaction (its record names that manager), now in
                // storage: name it, and crash before the participant votes.
                var record = statesToPrepare!.Single(p => p.SequenceId == prepared);
                var remoteManager = record.TransactionManager.Reference is { } tm && tm.GrainId.ToString() != grain;
                if (remoteManager && metadata.CommitRecords.Count == 0)
                {
                    point.Prepared(silo, grain, prepared, record.TransactionId);
                    if (point.TryCrash(silo, CrashPhase.Prepared, grain, prepared))
                    {
                        return await point.Hang<string>();
                    }
                }
            }

            return etag;
        }
    }
}

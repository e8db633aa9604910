using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Platform.Errors;

namespace Platform.Locks;

/// <summary>
/// The one lease engine behind locks, semaphores and elections: a resource with shared/exclusive holders, a FIFO
/// queue of waiters, leases that expire on a grain timer, and a fencing token counter persisted before each grant.
/// </summary>
/// <remarks>
/// [Reentrant] is deliberate: a waiting acquire parks a TaskCompletionSource in the queue and awaits it, so the grain
/// must keep serving releases, renewals and expiries meanwhile. Every read-decide-write of state happens under
/// <see cref="_gate"/> (an async mutex; it never blocks a thread), so interleaving never splits a decision from its
/// write. Waits are bounded by <see cref="LockOptions.MaxWaitMs"/> (at most 25 s) to end well before Orleans' 30 s
/// response timeout. Safety against a duplicate activation rests on the ETag-checked state write, not on
/// single activation: a write that loses raises InconsistentStateException, the state is re-read and the decision
/// taken again (once) on the fresh state.
/// </remarks>
[Reentrant]
// The grain type shipped under the old class name; stored grain ids keep it.
[GrainType("lease")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the activation and holds no wait handle.")]
public sealed partial class LockGrain(
    [PersistentState("lease", LockGrain.StorageName)] IPersistentState<LockState> state,
    IOptions<LockOptions> options,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<LockGrain> logger) : Grain, ILockGrain
{
    /// <summary>The grain storage holding lease state; AddPlatformLocks maps it to the default storage unless registered.</summary>
    public const string StorageName = "locks";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<Waiter> _queue = new();
    private TaskCompletionSource _changed = NewSignal();
    private IGrainTimer? _timer;
    private LeaseKind _kind;
    private string _name = "";

    private LockOptions Limits => options.Value;

    private string OwnerField => _kind == LeaseKind.Election ? "candidate" : "owner";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_kind, _name) = LeaseKeys.Parse(this.GetPrimaryKeyString());
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Leases that ran out while no activation existed end now.
            ExpireDue();
            ScheduleExpiry();
        }
        finally
        {
            _gate.Release();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        foreach (var waiter in _queue)
        {
            waiter.Completion.TrySetException(new PlatformUnavailableException($"{_kind} '{_name}' moved ({reason.Description}); retry."));
        }

        _queue.Clear();
        return Task.CompletedTask;
    }

    public async Task<LeaseResult> Acquire(LeaseRequest request, CancellationToken cancellationToken = default)
    {
        var (owner, mode, count, leaseMs, waitMs) = Validate(request);
        Waiter waiter;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_kind == LeaseKind.Semaphore)
            {
                if (state.State.Permits is not { } permits)
                {
                    return new LeaseResult { Status = LeaseStatus.NotConfigured, Detail = $"Semaphore '{_name}' has no permits set; PUT /v1/semaphores/{_name} first." };
                }

                if (count > permits)
                {
                    throw new PlatformValidationException("count", $"must be at most the semaphore's permits ({permits}) (got {count})");
                }
            }

            var granted = await Mutate(() =>
            {
                if (Live().Any(h => h.Owner == owner))
                {
                    return null;
                }

                return _queue.Count == 0 && CanGrant(mode, count) ? Grant(owner, mode, count, leaseMs) : null;
            });
            if (granted is not null)
            {
                return new LeaseResult { Status = LeaseStatus.Ok, Lease = granted };
            }

            if (Live().FirstOrDefault(h => h.Owner == owner) is { } own)
            {
                return Busy($"{OwnerField} '{owner}' already holds token {own.Token}; renew or release it.");
            }

            if (waitMs == 0)
            {
                return Busy(null);
            }

            if (_queue.Count >= Limits.MaxWaiters)
            {
                return Busy($"{_queue.Count} requests are queued, the limit ({LockOptions.SectionName}:MaxWaiters).");
            }

            waiter = new Waiter(owner, mode, count, leaseMs);
            waiter.Node = _queue.AddLast(waiter);
        }
        finally
        {
            _gate.Release();
        }

        // Wait outside the gate: releases, renewals and the expiry timer keep running and hand the lease to the
        // head of the queue by completing its waiter (only after the grant's token is persisted).
        await Task.WhenAny(waiter.Completion.Task, Task.Delay(TimeSpan.FromMilliseconds(waitMs), time, cancellationToken));
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (waiter.Completion.Task.IsCompleted)
            {
                return await waiter.Completion.Task;
            }

            // Abandoned (waitMs over, or the caller went away): leave the queue. An exclusive request leaving the
            // head may let shared requests behind it in, so serve the queue again.
            _queue.Remove(waiter.Node!);
            await TryMutate(static () => (object?)null);
            return Busy(null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LeaseResult> Renew(string owner, long token, int? leaseMs)
    {
        var lease = CheckLease(leaseMs);
        await _gate.WaitAsync();
        try
        {
            var renewed = await Mutate(() =>
            {
                var index = state.State.Holders.FindIndex(h => h.Token == token && h.Owner == owner);
                if (index < 0)
                {
                    return null;
                }

                var holder = state.State.Holders[index] with { ExpiresAt = time.GetUtcNow().AddMilliseconds(lease) };
                state.State.Holders[index] = holder;
                return holder;
            });
            return renewed is null ? Lost(owner, token) : new LeaseResult { Status = LeaseStatus.Ok, Lease = renewed };
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LeaseResult> Release(string owner, long token)
    {
        await _gate.WaitAsync();
        try
        {
            var released = await Mutate(() =>
            {
                var index = state.State.Holders.FindIndex(h => h.Token == token && h.Owner == owner);
                if (index < 0)
                {
                    return null;
                }

                var holder = state.State.Holders[index];
                state.State.Holders.RemoveAt(index);
                return holder;
            });
            return released is null ? Lost(owner, token) : new LeaseResult { Status = LeaseStatus.Ok, Lease = released, Holders = Live() };
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<LeaseView> Get() => Task.FromResult(View());

    public async Task<LeaseView> SetPermits(int permits)
    {
        if (_kind != LeaseKind.Semaphore)
        {
            throw new PlatformValidationException("permits", $"exist only on semaphores ('{_name}' is a {_kind.ToString().ToLowerInvariant()})");
        }

        if (permits < 1 || permits > Limits.MaxPermits)
        {
            throw new PlatformValidationException("permits", $"must be between 1 and {Limits.MaxPermits} ({LockOptions.SectionName}:MaxPermits) (got {permits})");
        }

        await _gate.WaitAsync();
        try
        {
            await Mutate(() =>
            {
                state.State.Permits = permits;
                return (object?)permits;
            });
            return View();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<FenceCheck> CheckFence(long token)
    {
        await _gate.WaitAsync();
        try
        {
            // Re-read: a duplicate activation elsewhere may have granted since; storage is the truth.
            await state.ReadStateAsync();
            ExpireDue();
            var last = state.State.LastToken;
            return new FenceCheck(token >= 1 && token == last, last);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LeaseView> WaitForChange(IReadOnlyList<long> knownTokens, int waitMs, CancellationToken cancellationToken = default)
    {
        if (waitMs < 0 || waitMs > LockOptions.WaitCeilingMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {LockOptions.WaitCeilingMs} (got {waitMs})");
        }

        var view = View();
        if (view.Holders.Select(h => h.Token).SequenceEqual(knownTokens) && waitMs > 0)
        {
            await Task.WhenAny(_changed.Task, Task.Delay(TimeSpan.FromMilliseconds(waitMs), time, cancellationToken));
            view = View();
        }

        return view;
    }

    /// <summary>
    /// Runs one decision under the gate: drop expired holders, serve the queue, apply <paramref name="decide"/> (which
    /// changes state.State when it returns non-null), serve the queue again, and persist with an ETag check before
    /// anything is answered or any waiter is granted. A lost ETag race re-reads the state and decides once more.
    /// </summary>
    private async Task<T?> Mutate<T>(Func<T?> decide)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var expired = ExpireDue();
            var grants = new List<(Waiter Waiter, LeaseHolder Lease)>();
            GrantFromQueue(grants);
            var result = decide();
            GrantFromQueue(grants);
            if (result is null && grants.Count == 0)
            {
                if (expired)
                {
                    Signal();
                }

                ScheduleExpiry();
                return null;
            }

            try
            {
                await state.WriteStateAsync();
            }
            catch (InconsistentStateException ex)
            {
                LogConflict(ex, _kind, _name, attempt);
                await state.ReadStateAsync();
                if (attempt == 0)
                {
                    continue;
                }

                ScheduleExpiry();
                throw new PlatformUnavailableException($"{_kind} '{_name}' is contended by another activation; retry.", ex);
            }

            foreach (var (waiter, lease) in grants)
            {
                _queue.Remove(waiter.Node!);
                waiter.Completion.TrySetResult(new LeaseResult { Status = LeaseStatus.Ok, Lease = lease });
            }

            Signal();
            ScheduleExpiry();
            return result;
        }
    }

    /// <summary><see cref="Mutate"/> for the timer and abandoned waiters: a failure is logged and retried by the timer.</summary>
    private async Task TryMutate(Func<object?> decide)
    {
        try
        {
            await Mutate(decide);
        }
        catch (Exception ex) when (ex is PlatformUnavailableException or OrleansException or TimeoutException)
        {
            LogRetry(ex, _kind, _name);
            ArmTimer(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Grants queue heads in order while they fit; stops at the first that does not (no overtaking, so no starvation).</summary>
    private void GrantFromQueue(List<(Waiter Waiter, LeaseHolder Lease)> grants)
    {
        var node = _queue.First;
        for (var i = 0; i < grants.Count && node is not null; i++)
        {
            node = node.Next;
        }

        while (node is not null && CanGrant(node.Value.Mode, node.Value.Count))
        {
            var waiter = node.Value;
            grants.Add((waiter, Grant(waiter.Owner, waiter.Mode, waiter.Count, waiter.LeaseMs)));
            node = node.Next;
        }
    }

    private LeaseHolder Grant(string owner, LeaseMode mode, int count, int leaseMs)
    {
        var now = time.GetUtcNow();
        var holder = new LeaseHolder
        {
            Owner = owner,
            Token = ++state.State.LastToken,
            Mode = mode,
            Count = count,
            GrantedAt = now,
            ExpiresAt = now.AddMilliseconds(leaseMs),
        };
        state.State.Holders.Add(holder);
        return holder;
    }

    private bool CanGrant(LeaseMode mode, int count)
    {
        var holders = state.State.Holders;
        if (holders.Count >= Limits.MaxHolders)
        {
            return false;
        }

        if (mode == LeaseMode.Exclusive)
        {
            return holders.Count == 0;
        }

        if (holders.Any(h => h.Mode == LeaseMode.Exclusive))
        {
            return false;
        }

        return state.State.Permits is not { } permits || holders.Sum(h => (long)h.Count) + count <= permits;
    }

    /// <summary>Drops holders whose lease ran out (in memory; persisted with the next write). True if any did.</summary>
    private bool ExpireDue()
    {
        var now = time.GetUtcNow();
        return state.State.Holders.RemoveAll(h => h.ExpiresAt <= now) > 0;
    }

    private List<LeaseHolder> Live()
    {
        var now = time.GetUtcNow();
        return [.. state.State.Holders.Where(h => h.ExpiresAt > now)];
    }

    private LeaseView View() => new()
    {
        Kind = _kind,
        Name = _name,
        Holders = Live(),
        QueueLength = _queue.Count,
        LastToken = state.State.LastToken,
        Permits = state.State.Permits,
        Silo = silo.SiloAddress.ToParsableString(),
    };

    private LeaseResult Busy(string? detail)
    {
        var holders = Live();
        detail ??= holders.Count == 0
            ? $"Not granted: {_queue.Count} earlier requests are queued."
            : $"Held by {string.Join(", ", holders.Select(h => $"'{h.Owner}' (token {h.Token}, {h.Mode.ToString().ToLowerInvariant()}, expires {h.ExpiresAt:O})"))}; {_queue.Count} queued.";
        return new LeaseResult { Status = LeaseStatus.Busy, Holders = holders, QueueLength = _queue.Count, Detail = detail };
    }

    private LeaseResult Lost(string owner, long token) => new()
    {
        Status = LeaseStatus.Lost,
        Holders = Live(),
        QueueLength = _queue.Count,
        Detail = $"{OwnerField} '{owner}' holds no lease with token {token} on {_kind.ToString().ToLowerInvariant()} '{_name}' (expired, released, or never granted); the last token granted is {state.State.LastToken}.",
    };

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    /// <summary>Arms the timer for the earliest expiry, so leases end without any client call; none left: no timer.</summary>
    private void ScheduleExpiry()
    {
        if (state.State.Holders.Count == 0)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var next = state.State.Holders.Min(h => h.ExpiresAt);
        var due = next - time.GetUtcNow();
        ArmTimer(due < TimeSpan.Zero ? TimeSpan.Zero : due + TimeSpan.FromMilliseconds(1));
    }

    private void ArmTimer(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(OnExpiryTimer, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnExpiryTimer(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await TryMutate(static () => null);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (string Owner, LeaseMode Mode, int Count, int LeaseMs, int WaitMs) Validate(LeaseRequest request)
    {
        var owner = CheckOwner(request.Owner);
        var lease = CheckLease(request.LeaseMs);
        if (request.WaitMs < 0 || request.WaitMs > Limits.MaxWaitMs)
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {Limits.MaxWaitMs} ({LockOptions.SectionName}:MaxWaitMs) (got {request.WaitMs})");
        }

        if (!Enum.IsDefined(request.Mode))
        {
            throw new PlatformValidationException("mode", $"must be exclusive or shared (got {(int)request.Mode})");
        }

        switch (_kind)
        {
            case LeaseKind.Semaphore:
                if (request.Count < 1)
                {
                    throw new PlatformValidationException("count", $"must be at least 1 (got {request.Count})");
                }

                return (owner, LeaseMode.Shared, request.Count, lease, request.WaitMs);
            case LeaseKind.Election when request.Mode != LeaseMode.Exclusive:
                throw new PlatformValidationException("mode", "of an election is always exclusive");
            default:
                if (request.Count != 1)
                {
                    throw new PlatformValidationException("count", $"of a lock or election must be 1 (got {request.Count})");
                }

                return (owner, request.Mode, 1, lease, request.WaitMs);
        }
    }

    private string CheckOwner(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new PlatformValidationException(OwnerField, "must not be empty");
        }

        if (owner.Length > Limits.MaxOwnerLength)
        {
            throw new PlatformValidationException(OwnerField, $"must be at most {Limits.MaxOwnerLength} characters ({LockOptions.SectionName}:MaxOwnerLength) (got {owner.Length})");
        }

        if (owner.Any(char.IsControl))
        {
            throw new PlatformValidationException(OwnerField, "must not contain control characters");
        }

        return owner;
    }

    private int CheckLease(int? leaseMs)
    {
        var lease = leaseMs ?? Limits.DefaultLeaseMs;
        if (lease < Limits.MinLeaseMs || lease > Limits.MaxLeaseMs)
        {
            throw new PlatformValidationException("leaseMs", $"must be between {Limits.MinLeaseMs} and {Limits.MaxLeaseMs} ({LockOptions.SectionName}:MinLeaseMs/MaxLeaseMs) (got {lease})");
        }

        return lease;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} '{Name}': state write lost an ETag race (attempt {Attempt}); another activation wrote it, re-reading")]
    private partial void LogConflict(Exception exception, LeaseKind kind, string name, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} '{Name}': could not persist expiry/queue hand-over; retrying in 1 s")]
    private partial void LogRetry(Exception exception, LeaseKind kind, string name);

    /// <summary>A parked acquire: completed with its grant once the grant's token is persisted.</summary>
    private sealed class Waiter(string owner, LeaseMode mode, int count, int leaseMs)
    {
        public string Owner { get; } = owner;

        public LeaseMode Mode { get; } = mode;

        public int Count { get; } = count;

        public int LeaseMs { get; } = leaseMs;

        public TaskCompletionSource<LeaseResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

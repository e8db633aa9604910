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
/// <para>
/// [Reentrant] is deliberate: a waiting acquire parks a TaskCompletionSource in the queue and awaits it, so the grain
/// must keep serving releases, renewals and expiries meanwhile. Every read-decide-write of state happens under
/// <see cref="_gate"/> (an async mutex; it never blocks a thread), so interleaving never splits a decision from its
/// write. Waits are bounded by <see cref="LockOptions.MaxWaitMs"/> (at most 25 s) to end well before Orleans' 30 s
/// response timeout.
/// </para>
/// <para>
/// Decide on a copy, write, then publish: <see cref="_published"/> is the state as last read from or written to
/// storage, and the only state anything is answered from (views and watches included, which read it without the
/// gate). A decision works on a copy; only after the copy is written does it become the published state and are
/// waiters granted. A write that fails for any reason leaves the published state as it was; one whose outcome is
/// unknown (a timeout, throttling) also marks the state stale, so the next decision first re-reads storage and a
/// token that may have been written is never handed out again. Safety against a duplicate activation rests on the
/// ETag-checked write: a write that loses raises InconsistentStateException, the state is re-read and the decision
/// taken again (once) on the fresh state.
/// </para>
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
    LockMetrics metrics,
    ILogger<LockGrain> logger) : Grain, ILockGrain
{
    /// <summary>The grain storage holding lease state; AddPlatformLocks maps it to the default storage unless registered.</summary>
    public const string StorageName = "locks";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(4);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<Waiter> _queue = new();
    private TaskCompletionSource _changed = NewSignal();
    private IGrainTimer? _timer;
    private LeaseKind _kind;
    private string _name = "";

    // The state as persisted (last read or written); never changed in place. Outside a write, state.State is it.
    private LockState _published = new();

    // A write's outcome is unknown: storage may hold more than _published. Re-read before the next decision.
    private bool _stale;

    private TimeSpan _retry = FirstRetry;
    private IReadOnlyList<long> _signalledTokens = [];

    private LockOptions Limits => options.Value;

    private string OwnerField => _kind == LeaseKind.Election ? "candidate" : "owner";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_kind, _name) = LeaseKeys.Parse(this.GetPrimaryKeyString());
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Orleans read the state before activation. Leases that ran out while no activation existed are dropped
            // by every view and decision (they are compared with the clock), and written away with the next change.
            Publish(state.State);
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
        var waiter = new Waiter(owner, mode, count, leaseMs);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The request takes part in this decision as the tail of the queue: granted at once only if every
            // waiter ahead of it is granted in the same decision and it still fits (strict FIFO, no overtaking).
            var refusal = await Mutate(d =>
            {
                if (_kind == LeaseKind.Semaphore)
                {
                    if (d.Next.Permits is not { } permits)
                    {
                        return new LeaseResult { Status = LeaseStatus.NotConfigured, Detail = $"Semaphore '{_name}' has no permits set; PUT /v1/semaphores/{_name} first." };
                    }

                    if (count > permits)
                    {
                        throw new PlatformValidationException("count", $"must be at most the semaphore's permits ({permits}) (got {count})");
                    }
                }

                if (d.Next.Holders.FirstOrDefault(h => h.Owner == owner) is { } own)
                {
                    return Busy($"{OwnerField} '{owner}' already holds token {own.Token}; renew or release it.");
                }

                ServeQueue(d, waiter);
                return null;
            });
            if (refusal is not null)
            {
                return refusal;
            }

            if (waiter.Completion.Task.IsCompletedSuccessfully)
            {
                return waiter.Completion.Task.Result;
            }

            if (waitMs == 0)
            {
                return Busy(null);
            }

            if (_queue.Count >= Limits.MaxWaiters)
            {
                return Busy($"{_queue.Count} requests are queued, the limit ({LockOptions.SectionName}:MaxWaiters).");
            }

            waiter.Node = _queue.AddLast(waiter);
            waiter.QueuedAt = time.GetUtcNow();
            metrics.Queued(_kind, _name);
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
            await TryMutate();
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
            var renewed = await Mutate(d =>
            {
                var index = d.Next.Holders.FindIndex(h => h.Token == token && h.Owner == owner);
                if (index < 0)
                {
                    return null;
                }

                var holder = d.Next.Holders[index] with { ExpiresAt = d.Now.AddMilliseconds(lease) };
                d.Next.Holders[index] = holder;
                d.Changed = true;
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
            var released = await Mutate(d =>
            {
                var index = d.Next.Holders.FindIndex(h => h.Token == token && h.Owner == owner);
                if (index < 0)
                {
                    return null;
                }

                var holder = d.Next.Holders[index];
                d.Next.Holders.RemoveAt(index);
                d.Changed = true;
                return holder;
            });
            return released is null ? Lost(owner, token) : new LeaseResult { Status = LeaseStatus.Ok, Lease = released, Holders = Live() };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The published (persisted) state; never a decision still being written.</summary>
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
            await Mutate(d =>
            {
                d.Next.Permits = permits;
                d.Changed = true;
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
            await ReloadOrUnavailable();
            var last = _published.LastToken;
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

        // Views come from the published state only, so a watch never reports a leader whose grant is still being
        // written (or whose write then failed).
        var view = View();
        if (view.Holders.Select(h => h.Token).SequenceEqual(knownTokens) && waitMs > 0)
        {
            await Task.WhenAny(_changed.Task, Task.Delay(TimeSpan.FromMilliseconds(waitMs), time, cancellationToken));
            view = View();
        }

        return view;
    }

    /// <summary>
    /// Runs one decision under the gate on a copy of the published state: drop expired holders, apply
    /// <paramref name="decide"/> (which sets <see cref="Decision.Changed"/> when it changed the copy), serve the queue,
    /// and, if anything changed, write the copy with an ETag check. Only after the write succeeded is the copy
    /// published and are waiters granted; on any failure the published state stays as it was. A lost ETag race
    /// re-reads the state and decides once more; a failure with an unknown outcome marks the state stale and answers
    /// <see cref="PlatformUnavailableException"/>.
    /// </summary>
    private async Task<T?> Mutate<T>(Func<Decision, T?> decide)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_stale)
            {
                await ReloadOrUnavailable();
            }

            var d = new Decision(_published.Copy(), time.GetUtcNow());
            var expiredCount = d.Next.Holders.RemoveAll(h => h.ExpiresAt <= d.Now);
            var expired = expiredCount > 0;
            var result = decide(d);
            ServeQueue(d, joining: null);
            if (!d.Changed && d.Grants.Count == 0)
            {
                if (expired)
                {
                    // Expiry is a function of the persisted holders and the clock: publishing it needs no write
                    // (the next write persists it).
                    Publish(d.Next);
                    metrics.Expired(_kind, _name, expiredCount);
                }

                ScheduleExpiry();
                return result;
            }

            state.State = d.Next;
            try
            {
                await state.WriteStateAsync();
            }
            catch (InconsistentStateException ex)
            {
                state.State = _published;
                LogConflict(ex, _kind, _name, attempt);
                _stale = true;
                if (attempt == 0)
                {
                    continue;
                }

                ArmAfterFailure();
                throw new PlatformUnavailableException($"{_kind} '{_name}' is contended by another activation; retry.", ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Timeout, throttling, an unreachable store: the write may or may not have landed.
                state.State = _published;
                _stale = true;
                LogWriteFailed(ex, _kind, _name);
                ArmAfterFailure();
                throw new PlatformUnavailableException($"{_kind} '{_name}': the state could not be persisted ({ex.GetBaseException().Message}); nothing was granted or changed, retry.", ex);
            }

            Publish(d.Next);
            _retry = FirstRetry;
            metrics.Expired(_kind, _name, expiredCount);
            foreach (var (waiter, lease) in d.Grants)
            {
                metrics.Granted(_kind, _name, waiter.Node is null ? null : time.GetUtcNow() - waiter.QueuedAt);
                if (waiter.Node is not null)
                {
                    _queue.Remove(waiter.Node);
                    waiter.Node = null;
                }

                waiter.Completion.TrySetResult(new LeaseResult { Status = LeaseStatus.Ok, Lease = lease });
            }

            ScheduleExpiry();
            return result;
        }
    }

    /// <summary>
    /// <see cref="Mutate"/> with nothing of its own to decide (the timer, abandoned waiters): serves the queue and
    /// persists expiries. Never throws: a failure is logged and retried by the timer with a growing delay.
    /// </summary>
    private async Task TryMutate()
    {
        try
        {
            await Mutate(static _ => (object?)null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRetry(ex, _kind, _name, _retry.TotalMilliseconds);
            ArmTimer(_retry);
            _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>Re-reads the state from storage and publishes it. On failure the published state stays, still stale.</summary>
    private async Task Reload()
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch
        {
            state.State = _published;
            _stale = true;
            throw;
        }

        _stale = false;
        Publish(state.State);
    }

    private async Task ReloadOrUnavailable()
    {
        try
        {
            await Reload();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ArmAfterFailure();
            throw new PlatformUnavailableException($"{_kind} '{_name}': the state could not be read ({ex.GetBaseException().Message}); retry.", ex);
        }
    }

    /// <summary>Makes <paramref name="next"/> the state answered from, and wakes watchers when the live holders changed.</summary>
    private void Publish(LockState next)
    {
        _published = next;
        state.State = next;
        var tokens = Live().Select(h => h.Token).ToList();
        if (!tokens.SequenceEqual(_signalledTokens))
        {
            _signalledTokens = tokens;
            var previous = _changed;
            _changed = NewSignal();
            previous.TrySetResult();
        }
    }

    /// <summary>
    /// Grants queue heads in order while they fit, then <paramref name="joining"/> (a new request, not queued) if every
    /// queued waiter was granted; stops at the first that does not fit (no overtaking, so no starvation). Waiters
    /// granted by an earlier call on the same decision are skipped.
    /// </summary>
    private void ServeQueue(Decision d, Waiter? joining)
    {
        var node = _queue.First;
        for (var i = 0; i < d.QueueGranted && node is not null; i++)
        {
            node = node.Next;
        }

        while (node is not null)
        {
            if (!CanGrant(d.Next, node.Value.Mode, node.Value.Count))
            {
                return;
            }

            d.Grants.Add((node.Value, Grant(d, node.Value)));
            d.QueueGranted++;
            node = node.Next;
        }

        if (joining is not null && CanGrant(d.Next, joining.Mode, joining.Count))
        {
            d.Grants.Add((joining, Grant(d, joining)));
        }
    }

    private static LeaseHolder Grant(Decision d, Waiter waiter)
    {
        var token = d.Next.LastToken + 1;
        var holder = new LeaseHolder
        {
            Owner = waiter.Owner,
            Token = token,
            Mode = waiter.Mode,
            Count = waiter.Count,
            GrantedAt = d.Now,
            ExpiresAt = d.Now.AddMilliseconds(waiter.LeaseMs),
        };
        d.Next.LastToken = token;
        d.Next.Holders.Add(holder);
        return holder;
    }

    private bool CanGrant(LockState next, LeaseMode mode, int count)
    {
        var holders = next.Holders;
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

        return next.Permits is not { } permits || holders.Sum(h => (long)h.Count) + count <= permits;
    }

    private List<LeaseHolder> Live()
    {
        var now = time.GetUtcNow();
        return [.. _published.Holders.Where(h => h.ExpiresAt > now)];
    }

    private LeaseView View() => new()
    {
        Kind = _kind,
        Name = _name,
        Holders = Live(),
        QueueLength = _queue.Count,
        LastToken = _published.LastToken,
        Permits = _published.Permits,
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
        Detail = $"{OwnerField} '{owner}' holds no lease with token {token} on {_kind.ToString().ToLowerInvariant()} '{_name}' (expired, released, or never granted); the last token granted is {_published.LastToken}.",
    };

    /// <summary>Arms the timer for the earliest live expiry, so leases end without any client call; none left: no timer.</summary>
    private void ScheduleExpiry()
    {
        var now = time.GetUtcNow();
        var live = _published.Holders.Where(h => h.ExpiresAt > now).ToList();
        if (live.Count == 0)
        {
            if (_queue.Count == 0 || !_stale)
            {
                _timer?.Dispose();
                _timer = null;
                return;
            }

            // Waiters queue behind a state that could not be confirmed: try again soon.
            ArmTimer(_retry);
            return;
        }

        ArmTimer(live.Min(h => h.ExpiresAt) - now + TimeSpan.FromMilliseconds(1));
    }

    /// <summary>After a failed write: waiters may be grantable once storage answers again, so retry soon; else as usual.</summary>
    private void ArmAfterFailure()
    {
        if (_queue.Count > 0)
        {
            ArmTimer(_retry);
        }
        else
        {
            ScheduleExpiry();
        }
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

    /// <summary>One-shot expiry and retry timer: whatever happens inside, it re-arms itself (TryMutate never throws).</summary>
    private async Task OnExpiryTimer(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await TryMutate();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} '{Name}': state write failed with an unknown outcome; nothing published, re-reading before the next decision")]
    private partial void LogWriteFailed(Exception exception, LeaseKind kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} '{Name}': could not persist expiry/queue hand-over; retrying in {DelayMs} ms")]
    private partial void LogRetry(Exception exception, LeaseKind kind, string name, double delayMs);

    /// <summary>One decision: a copy of the published state, the clock it was taken at, and the grants it makes.</summary>
    private sealed class Decision(LockState next, DateTimeOffset now)
    {
        public LockState Next { get; } = next;

        public DateTimeOffset Now { get; } = now;

        /// <summary>Set by a decision that changed <see cref="Next"/> other than by granting.</summary>
        public bool Changed { get; set; }

        public List<(Waiter Waiter, LeaseHolder Lease)> Grants { get; } = [];

        /// <summary>How many queue heads this decision granted (they stay queued until the write succeeded).</summary>
        public int QueueGranted { get; set; }
    }

    /// <summary>A parked acquire: completed with its grant once the grant's token is persisted.</summary>
    private sealed class Waiter(string owner, LeaseMode mode, int count, int leaseMs)
    {
        public string Owner { get; } = owner;

        public LeaseMode Mode { get; } = mode;

        public int Count { get; } = count;

        public int LeaseMs { get; } = leaseMs;

        public TaskCompletionSource<LeaseResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public DateTimeOffset QueuedAt { get; set; }
    }
}

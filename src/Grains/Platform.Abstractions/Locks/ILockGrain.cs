namespace Platform.Locks;

/// <summary>
/// One lock, semaphore or election (key: <see cref="LeaseKeys.For"/>). Guarantee: every grant carries a fencing token
/// that is persisted (ETag-checked) before the grant is answered, so no token is ever handed out twice or out of order;
/// leases expire on their own; waiters are served first come, first served.
/// </summary>
[Alias("Platform.ILeaseGrain")]
public interface ILockGrain : IGrainWithStringKey
{
    /// <summary>Grants at once when free and nobody queues; else waits up to <see cref="LeaseRequest.WaitMs"/> in FIFO order.</summary>
    [Alias("Acquire")]
    Task<LeaseResult> Acquire(LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends a held, unexpired lease; <see cref="LeaseStatus.Lost"/> otherwise.</summary>
    [Alias("Renew")]
    Task<LeaseResult> Renew(string owner, long token, int? leaseMs);

    /// <summary>Ends a held lease and serves the queue; <see cref="LeaseStatus.Lost"/> for a wrong owner or token.</summary>
    [Alias("Release")]
    Task<LeaseResult> Release(string owner, long token);

    [Alias("Get")]
    Task<LeaseView> Get();

    /// <summary>Sets a semaphore's permits (persisted); lowering them below what is held lets holders keep theirs.</summary>
    [Alias("SetPermits")]
    Task<LeaseView> SetPermits(int permits);

    /// <summary>Checks a fenced write's token against the persisted grants (re-read from storage).</summary>
    [Alias("CheckFence")]
    Task<FenceCheck> CheckFence(long token);

    /// <summary>
    /// Answers when the holders differ from <paramref name="knownTokens"/> (tokens of the holders the caller saw, in
    /// grant order) or after <paramref name="waitMs"/>, with the view as it is then.
    /// </summary>
    [Alias("WaitForChange")]
    Task<LeaseView> WaitForChange(IReadOnlyList<long> knownTokens, int waitMs, CancellationToken cancellationToken = default);
}

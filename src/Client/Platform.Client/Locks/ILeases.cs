namespace Platform.Locks;

/// <summary>
/// Leases without a handle, shared by <see cref="ILocks"/> and <see cref="ISemaphores"/> (the HTTP API's model):
/// nothing renews them, so the caller renews before a lease runs out and releases it. A refusal throws
/// <see cref="LeaseConflictException"/>.
/// </summary>
public interface ILeases
{
    /// <summary>Grants a lease to <see cref="LeaseRequest.Owner"/>, waiting up to <see cref="LeaseRequest.WaitMs"/>.</summary>
    Task<LeaseHolder> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends a held lease (<paramref name="leaseMs"/> null: the default lease) and returns it.</summary>
    Task<LeaseHolder> RenewLeaseAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default);

    Task ReleaseLeaseAsync(string name, string owner, long token, CancellationToken cancellationToken = default);

    /// <summary>Holders, tokens, expiries and queue length (and a semaphore's permits).</summary>
    Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default);
}

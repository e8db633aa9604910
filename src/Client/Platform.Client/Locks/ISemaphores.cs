namespace Platform.Locks;

/// <summary>Distributed counting semaphores with leases and fencing tokens (refusals as in <see cref="ILocks"/>).</summary>
public interface ISemaphores
{
    /// <summary>Sets the number of permits (creates the semaphore).</summary>
    Task<LeaseView> SetPermitsAsync(string name, int permits, CancellationToken cancellationToken = default);

    /// <summary>Takes <paramref name="count"/> permits; throws <c>PlatformNotFoundException</c> if permits were never set.</summary>
    Task<ILeaseHandle> AcquireAsync(string name, int count = 1, LeaseOptions? options = null, CancellationToken cancellationToken = default);

    Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes <see cref="LeaseRequest.Count"/> permits without a handle (the HTTP API's model; the mode is always
    /// shared): the caller renews before the lease runs out and releases it.
    /// </summary>
    Task<LeaseHolder> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default);

    Task<LeaseHolder> RenewLeaseAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default);

    Task ReleaseLeaseAsync(string name, string owner, long token, CancellationToken cancellationToken = default);
}

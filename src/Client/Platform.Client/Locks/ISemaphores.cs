namespace Platform.Locks;

/// <summary>
/// Distributed counting semaphores with leases and fencing tokens (refusals as in <see cref="ILocks"/>).
/// <see cref="ILeases.AcquireLeaseAsync"/> takes <see cref="LeaseRequest.Count"/> permits without a handle (the mode
/// is always shared).
/// </summary>
public interface ISemaphores : ILeases
{
    /// <summary>Sets the number of permits (creates the semaphore).</summary>
    Task<LeaseView> SetPermitsAsync(string name, int permits, CancellationToken cancellationToken = default);

    /// <summary>Takes <paramref name="count"/> permits; throws <c>PlatformNotFoundException</c> if permits were never set.</summary>
    Task<ILeaseHandle> AcquireAsync(string name, int count = 1, LeaseOptions? options = null, CancellationToken cancellationToken = default);
}

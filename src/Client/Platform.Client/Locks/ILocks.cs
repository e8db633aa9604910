namespace Platform.Locks;

/// <summary>
/// Distributed locks with leases and fencing tokens. A refusal (held by others after the wait, or a lease this owner
/// no longer holds) throws <see cref="LeaseConflictException"/> (a <c>PlatformConflictException</c>) naming the
/// holders; bad input throws <c>PlatformValidationException</c>. <see cref="ILeases.AcquireLeaseAsync"/> takes a
/// lock without a handle (<see cref="LeaseRequest.Mode"/> exclusive or shared).
/// </summary>
public interface ILocks : ILeases
{
    /// <summary>An exclusive lock, renewed in the background until the handle is disposed.</summary>
    Task<ILeaseHandle> AcquireAsync(string name, TimeSpan? lease = null, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    Task<ILeaseHandle> AcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default);
}

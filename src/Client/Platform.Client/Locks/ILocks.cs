namespace Platform.Locks;

/// <summary>
/// Distributed locks with leases and fencing tokens. A refusal (held by others after the wait, or a lease this owner
/// no longer holds) throws <see cref="LeaseConflictException"/> (a <c>PlatformConflictException</c>) naming the
/// holders; bad input throws <c>PlatformValidationException</c>.
/// </summary>
public interface ILocks
{
    /// <summary>An exclusive lock, renewed in the background until the handle is disposed.</summary>
    Task<ILeaseHandle> AcquireAsync(string name, TimeSpan? lease = null, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    Task<ILeaseHandle> AcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default);

    /// <summary>Holders, tokens, expiries and queue length.</summary>
    Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// A lease without a handle (the HTTP API's model): granted to <see cref="LeaseRequest.Owner"/>, waiting up to
    /// <see cref="LeaseRequest.WaitMs"/>; nothing renews it, so the caller renews before it runs out and releases it.
    /// </summary>
    Task<LeaseHolder> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends a held lease (<paramref name="leaseMs"/> null: the default lease) and returns it.</summary>
    Task<LeaseHolder> RenewLeaseAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default);

    Task ReleaseLeaseAsync(string name, string owner, long token, CancellationToken cancellationToken = default);
}

namespace Platform.Locks;

/// <summary>
/// Distributed locks with leases and fencing tokens. A refusal (held by others after the wait) throws
/// <c>PlatformConflictException</c> naming the holders; bad input throws <c>PlatformValidationException</c>.
/// </summary>
public interface ILocks
{
    /// <summary>An exclusive lock, renewed in the background until the handle is disposed.</summary>
    Task<ILeaseHandle> AcquireAsync(string name, TimeSpan? lease = null, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    Task<ILeaseHandle> AcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default);

    /// <summary>Holders, tokens, expiries and queue length.</summary>
    Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default);
}

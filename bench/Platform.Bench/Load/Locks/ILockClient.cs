namespace Platform.Bench.Load.Locks;

/// <summary>One worker's connection to a lock service (Platform over HTTP, redis over RESP, etcd over its JSON gateway).</summary>
internal interface ILockClient : IAsyncDisposable
{
    /// <summary>
    /// One acquire attempt of <paramref name="name"/> for <paramref name="owner"/>, waiting up to
    /// <paramref name="waitMs"/> where the service queues waiters. Returns the fencing token (0 when the service has
    /// none), or null when the lock was not granted (held by someone else, or the wait ran out).
    /// </summary>
    Task<long?> TryAcquireAsync(string name, string owner, int waitMs, CancellationToken cancellationToken);

    /// <summary>Releases a held lock; throws when the service refuses.</summary>
    Task ReleaseAsync(string name, string owner, long token, CancellationToken cancellationToken);
}

namespace Platform.Locks;

internal sealed class DistributedSemaphores(LockClient client) : ISemaphores
{
    public Task<LeaseView> SetPermitsAsync(string name, int permits, CancellationToken cancellationToken = default) =>
        client.Grain(LeaseKind.Semaphore, name).SetPermits(permits).WaitAsync(cancellationToken);

    public Task<ILeaseHandle> AcquireAsync(string name, int count = 1, LeaseOptions? options = null, CancellationToken cancellationToken = default) =>
        client.AcquireHandleAsync(LeaseKind.Semaphore, name, count, (options ?? new LeaseOptions()) with { Mode = LeaseMode.Shared }, cancellationToken);

    public Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        client.GetAsync(LeaseKind.Semaphore, name, cancellationToken);

    public Task<LeaseHolder> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.AcquireAsync(LeaseKind.Semaphore, name, request with { Mode = LeaseMode.Shared }, cancellationToken);
    }

    public Task<LeaseHolder> RenewLeaseAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        client.RenewAsync(LeaseKind.Semaphore, name, owner, token, leaseMs, cancellationToken);

    public Task ReleaseLeaseAsync(string name, string owner, long token, CancellationToken cancellationToken = default) =>
        client.ReleaseAsync(LeaseKind.Semaphore, name, owner, token, cancellationToken);
}

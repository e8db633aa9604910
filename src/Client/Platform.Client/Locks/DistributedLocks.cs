namespace Platform.Locks;

internal sealed class DistributedLocks(LockClient client) : ILocks
{
    public Task<ILeaseHandle> AcquireAsync(string name, TimeSpan? lease = null, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(name, new LeaseOptions { Lease = lease, Wait = wait }, cancellationToken);

    public Task<ILeaseHandle> AcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default) =>
        client.AcquireHandleAsync(LeaseKind.Lock, name, 1, options, cancellationToken);

    public Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        client.GetAsync(LeaseKind.Lock, name, cancellationToken);

    public Task<LeaseHolder> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default) =>
        client.AcquireAsync(LeaseKind.Lock, name, request, cancellationToken);

    public Task<LeaseHolder> RenewLeaseAsync(string name, string owner, long token, int? leaseMs = null, CancellationToken cancellationToken = default) =>
        client.RenewAsync(LeaseKind.Lock, name, owner, token, leaseMs, cancellationToken);

    public Task ReleaseLeaseAsync(string name, string owner, long token, CancellationToken cancellationToken = default) =>
        client.ReleaseAsync(LeaseKind.Lock, name, owner, token, cancellationToken);
}

namespace Platform.Locks;

internal sealed class DistributedLocks(LockClient client) : ILocks
{
    public Task<ILeaseHandle> AcquireAsync(string name, TimeSpan? lease = null, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(name, new LeaseOptions { Lease = lease, Wait = wait }, cancellationToken);

    public Task<ILeaseHandle> AcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default) =>
        client.AcquireAsync(LeaseKind.Lock, name, 1, options, cancellationToken);

    public Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        client.Grain(LeaseKind.Lock, name).Get().WaitAsync(cancellationToken);
}

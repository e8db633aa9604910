namespace Platform.Locks;

internal sealed class DistributedSemaphores(LockClient client) : ISemaphores
{
    public Task<LeaseView> SetPermitsAsync(string name, int permits, CancellationToken cancellationToken = default) =>
        client.Grain(LeaseKind.Semaphore, name).SetPermits(permits).WaitAsync(cancellationToken);

    public Task<ILeaseHandle> AcquireAsync(string name, int count = 1, LeaseOptions? options = null, CancellationToken cancellationToken = default) =>
        client.AcquireAsync(LeaseKind.Semaphore, name, count, (options ?? new LeaseOptions()) with { Mode = LeaseMode.Shared }, cancellationToken);

    public Task<LeaseView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        client.Grain(LeaseKind.Semaphore, name).Get().WaitAsync(cancellationToken);
}

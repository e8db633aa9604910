using Microsoft.Extensions.Primitives;

namespace Platform.Discovery;

/// <summary>
/// One service as a client host follows it: the instance list pushed by the registry's watch (applied in index
/// order), a change token that fires on every change, and the per-service balancing and passive-health state the
/// handler keeps between requests.
/// </summary>
internal sealed class CachedService(string name, ServiceBalancer balancer, OutlierTracker outliers)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _outlierGate = new();

    // Instances whose last outcome here failed (the next success is reported to the registry too).
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private volatile Snapshot _current = new(0, [], [], new CancellationTokenSource());

    public string Name { get; } = name;

    public ServiceBalancer Balancer { get; } = balancer;

    /// <summary>Completes once the first list arrived (or faults when the name is refused).</summary>
    public Task Ready => _ready.Task;

    public Snapshot Current => _current;


    public void Publish(long index, IReadOnlyCollection<ServiceInstance> instances)
    {
        var all = instances.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
        var routable = Array.FindAll(all, i => i.Health != HealthStatus.Critical);
        var previous = _current;
        _current = new Snapshot(index, all, routable, new CancellationTokenSource());
        Balancer.Retain(all.Select(i => i.Id));
        _ready.TrySetResult();
        previous.Changed.Cancel();
    }

    public void Fail(Exception error) => _ready.TrySetException(error);

    public bool IsEjected(string id, DateTimeOffset now)
    {
        lock (_outlierGate)
        {
            return outliers.IsEjected(id, now);
        }
    }

    /// <summary>Records an outcome for passive health; true when the instance was ejected by it.</summary>
    public bool Report(string id, bool success, DateTimeOffset now, int instanceCount)
    {
        lock (_outlierGate)
        {
            return outliers.Report(id, success, now, instanceCount);
        }
    }

    /// <summary>Whether the registry should hear this outcome: every failure, and the first success after one.</summary>
    public bool ShouldForward(string id, bool success)
    {
        lock (_outlierGate)
        {
            if (success)
            {
                return _failing.Remove(id);
            }

            _failing.Add(id);
            return true;
        }
    }

    /// <summary>One published list: every instance, the ones not critical, and the token cancelled when a later list replaces it.</summary>
    internal sealed record Snapshot(long Index, ServiceInstance[] All, ServiceInstance[] Routable, CancellationTokenSource Changed)
    {
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(Changed.Token);
    }
}

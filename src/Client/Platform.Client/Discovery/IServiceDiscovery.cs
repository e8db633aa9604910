namespace Platform.Discovery;

/// <summary>The typed client of the service registry: registrations, health, blocking queries, watches, resolve and outcome reports.</summary>
public interface IServiceDiscovery
{
    /// <summary>Registers or updates an instance; <paramref name="owner"/> protects it (only that owner, or an admin, may change, renew or remove it).</summary>
    Task<(ServiceInstance Instance, bool Created)> RegisterAsync(string service, string id, ServiceRegistration registration, string? owner = null, bool admin = false, CancellationToken cancellationToken = default);

    Task<ServiceInstance> HeartbeatAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default);

    /// <summary>Removes an instance; 404 when it is not registered.</summary>
    Task DeregisterAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default);

    /// <summary>Service names in ordinal order, paged.</summary>
    Task<(IReadOnlyList<string> Names, string? ContinuationToken)> ListAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default);

    /// <summary>The service now; with <paramref name="afterIndex"/> a blocking query: waits up to <paramref name="waitMs"/> for a later change.</summary>
    Task<ServiceView> GetAsync(string service, long? afterIndex = null, int? waitMs = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every change after <paramref name="afterIndex"/> once and in index order (or, without one, a snapshot first); a
    /// <see cref="ServiceWatchEvent"/> with <see cref="ServiceWatchEvent.Snapshot"/> whenever the index fell out of the retained window.
    /// </summary>
    IAsyncEnumerable<ServiceWatchEvent> WatchAsync(string service, long? afterIndex = null, CancellationToken cancellationToken = default);

    /// <summary>One healthy instance by the strategy; 404 when none is healthy.</summary>
    Task<ServiceInstance> ResolveAsync(string service, ResolveRequest request, CancellationToken cancellationToken = default);

    /// <summary>A caller's outcome against an instance (passive health, latency strategies); 404 for an unknown instance.</summary>
    Task ReportAsync(string service, string id, OutcomeReport outcome, CancellationToken cancellationToken = default);
}

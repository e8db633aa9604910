namespace Platform.Discovery;

/// <summary>
/// The registry of one service (key: its name). Guarantee: every change gets the next index and is written
/// (ETag-checked) before it is answered or published, and watchers see each change once, in index order.
/// </summary>
[Alias("Platform.Discovery.IServiceGrain")]
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>Registers or updates an instance; a TTL one takes its lease first. Answers the instance and whether it is new.</summary>
    [Alias("Register")]
    Task<(ServiceInstance Instance, bool Created)> Register(string id, ServiceRegistration registration, string? owner, bool admin);

    /// <summary>Renews a TTL instance's lease; 404 when absent, 409 for another owner or an instance without a TTL.</summary>
    [Alias("Heartbeat")]
    Task<ServiceInstance> Heartbeat(string id, string? owner, bool admin);

    /// <summary>Removes an instance (and ends its lease); false when absent; 409 for another owner.</summary>
    [Alias("Deregister")]
    Task<bool> Deregister(string id, string? owner, bool admin);

    /// <summary>The service now; with <paramref name="afterIndex"/>, waits up to <paramref name="waitMs"/> for a later change and lists the changes after it.</summary>
    [Alias("Get")]
    Task<ServiceView> Get(long? afterIndex, int waitMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// A watcher's blocking query: waits up to <paramref name="waitMs"/> for a change after <paramref name="afterIndex"/> and answers
    /// only the changes after it (no instance list), or a snapshot when the index fell out of the retained window.
    /// </summary>
    [Alias("Changes")]
    Task<ServiceDelta> Changes(long afterIndex, int waitMs, CancellationToken cancellationToken = default);

    /// <summary>One healthy instance by the request's strategy; null when none is healthy.</summary>
    [Alias("Resolve")]
    Task<ServiceInstance?> Resolve(ResolveRequest request);

    /// <summary>A caller's outcome against an instance (passive health, latencies, open picks); false when the instance is unknown.</summary>
    [Alias("Report")]
    Task<bool> Report(string id, OutcomeReport outcome);

    /// <summary>An active probe's outcome from the instance's checker grain; false tells the checker to stop.</summary>
    [Alias("ReportCheck")]
    Task<bool> ReportCheck(string id, CheckResult result);
}

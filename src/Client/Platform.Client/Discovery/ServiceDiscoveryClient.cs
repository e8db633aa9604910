using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Discovery;

/// <summary>The typed client of discovery: every input check (the grain checks again), then one service grain call.</summary>
internal sealed class ServiceDiscoveryClient(IGrainFactory grains, IOptions<DiscoveryOptions> options) : IServiceDiscovery
{
    private DiscoveryOptions Limits => options.Value;

    public Task<(ServiceInstance Instance, bool Created)> RegisterAsync(string service, string id, ServiceRegistration registration, string? owner = null, bool admin = false, CancellationToken cancellationToken = default)
    {
        DiscoveryRules.Check(service, id, registration, owner, Limits);
        return Grain(service).Register(id, registration, owner, admin).WaitAsync(cancellationToken);
    }

    public Task<ServiceInstance> HeartbeatAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default)
    {
        Names(service, id, owner);
        return Grain(service).Heartbeat(id, owner, admin).WaitAsync(cancellationToken);
    }

    public async Task DeregisterAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default)
    {
        Names(service, id, owner);
        if (!await Grain(service).Deregister(id, owner, admin).WaitAsync(cancellationToken))
        {
            throw new PlatformNotFoundException($"Instance '{id}' of service '{service}' is not registered.");
        }
    }

    public async Task<(IReadOnlyList<string> Names, string? ContinuationToken)> ListAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var size = Checks.PageSize(limit, 100, 1000);
        string? after = null;
        if (continuationToken is not null)
        {
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(continuationToken));
            }
            catch (FormatException)
            {
                throw new PlatformValidationException("continuationToken", "is not a token this API gave out");
            }

            if (NameRules.CheckName(after) is not null)
            {
                throw new PlatformValidationException("continuationToken", "is not a token this API gave out");
            }
        }

        var (names, more) = await grains.GetGrain<IServiceCatalogGrain>("catalog").List(after, size).WaitAsync(cancellationToken);
        return (names, more && names.Count > 0 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(names[^1])) : null);
    }

    public Task<ServiceView> GetAsync(string service, long? afterIndex = null, int? waitMs = null, CancellationToken cancellationToken = default)
    {
        DiscoveryRules.Name(service, "service");
        if (afterIndex is < 0)
        {
            throw new PlatformValidationException("index", $"must not be negative (got {afterIndex})");
        }

        if (waitMs is { } wait && (wait < 0 || wait > Limits.MaxWaitMs))
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {Limits.MaxWaitMs} ({DiscoveryOptions.SectionName}:MaxWaitMs) (got {wait})");
        }

        if (waitMs is > 0 && afterIndex is null)
        {
            throw new PlatformValidationException("waitMs", "needs index: a blocking query waits for a change after that index");
        }

        return Grain(service).Get(afterIndex, waitMs ?? 0, cancellationToken).WaitAsync(cancellationToken);
    }

    public IAsyncEnumerable<ServiceWatchEvent> WatchAsync(string service, long? afterIndex = null, CancellationToken cancellationToken = default)
    {
        DiscoveryRules.Name(service, "service");
        if (afterIndex is < 0)
        {
            throw new PlatformValidationException("index", $"must not be negative (got {afterIndex})");
        }

        return Watch(service, afterIndex, cancellationToken);
    }

    // A snapshot first (without an index), then delta queries: each answer carries only the changes after the last
    // index seen, or a snapshot again when that index fell out of the registry's retained window.
    private async IAsyncEnumerable<ServiceWatchEvent> Watch(string service, long? afterIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var grain = Grain(service);
        if (afterIndex is not { } index)
        {
            var view = await grain.Get(null, 0, cancellationToken).WaitAsync(cancellationToken);
            index = view.Index;
            yield return new ServiceWatchEvent { Index = view.Index, Snapshot = view };
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var delta = await grain.Changes(index, Limits.MaxWaitMs, cancellationToken).WaitAsync(cancellationToken);
            if (delta.Snapshot is { } snapshot)
            {
                index = snapshot.Index;
                yield return new ServiceWatchEvent { Index = snapshot.Index, Snapshot = snapshot };
                continue;
            }

            foreach (var change in delta.Changes)
            {
                if (change.Index > index)
                {
                    index = change.Index;
                    yield return new ServiceWatchEvent { Index = change.Index, Change = change };
                }
            }
        }
    }

    public async Task<ServiceInstance> ResolveAsync(string service, ResolveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DiscoveryRules.Name(service, "service");
        if (request.Key is { } key && (key.Length > 1024 || key.Any(char.IsControl)))
        {
            throw new PlatformValidationException("key", "must be at most 1024 characters without control characters");
        }

        if (request.Strategy == ResolveStrategy.ConsistentHash && request.Key is null)
        {
            throw new PlatformValidationException("key", "is required by strategy consistent-hash");
        }

        if (request.Zone is { } zone && (zone.Length is 0 or > 256 || zone.Any(char.IsControl)))
        {
            throw new PlatformValidationException("zone", "must be 1 to 256 characters without control characters");
        }

        return await Grain(service).Resolve(request).WaitAsync(cancellationToken)
            ?? throw new PlatformNotFoundException($"Service '{service}' has no healthy instance{(request.Zone is null ? "" : $" (in any zone; asked for '{request.Zone}')")}.");
    }

    public async Task ReportAsync(string service, string id, OutcomeReport outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Names(service, id, null);
        if (outcome.LatencyMs is { } latency && (!double.IsFinite(latency) || latency < 0 || latency > 3_600_000))
        {
            throw new PlatformValidationException("latencyMs", $"must be between 0 and 3600000 (got {latency})");
        }

        if (!await Grain(service).Report(id, outcome).WaitAsync(cancellationToken))
        {
            throw new PlatformNotFoundException($"Instance '{id}' of service '{service}' is not registered.");
        }
    }

    private void Names(string service, string id, string? owner)
    {
        DiscoveryRules.Name(service, "service");
        DiscoveryRules.Name(id, "id");
        DiscoveryRules.Owner(owner, Limits);
    }

    private IServiceGrain Grain(string service) => grains.GetGrain<IServiceGrain>(service);
}

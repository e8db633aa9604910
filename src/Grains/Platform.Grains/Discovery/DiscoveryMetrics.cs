using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Discovery;

/// <summary>
/// The registry's health on this silo: registered instances by service and health
/// (<c>platform.discovery.instances</c>, labels <c>service</c> and <c>health</c>), from the service grains active
/// here, updated with every change they persist.
/// </summary>
public sealed class DiscoveryMetrics
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> _services = new(StringComparer.Ordinal);
    private readonly BlockInstruments _discovery;

    /// <summary>Creates the gauge on the Platform meter.</summary>
    public DiscoveryMetrics(IMeterFactory meters)
    {
        _discovery = new BlockInstruments(meters, "discovery", "service");
        _discovery.Gauge("instances", Measure, "{instance}", "Registered service instances by health.");
    }

    /// <summary>A service's instances now.</summary>
    public void Report(string service, IEnumerable<ServiceInstance> instances) =>
        _services[_discovery.Name(service)] = instances.GroupBy(i => i.Health.ToString().ToLowerInvariant(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);

    /// <summary>A service grain left this silo.</summary>
    public void Remove(string service) => _services.TryRemove(_discovery.Name(service), out _);

    private List<Measurement<long>> Measure() =>
        [.. _services.SelectMany(s => s.Value.Select(h => new Measurement<long>(h.Value, new("service", s.Key), new("health", h.Key))))];
}

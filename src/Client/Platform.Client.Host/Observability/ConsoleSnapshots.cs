using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.Serialization.TypeSystem;
using Platform.Caches;
using Platform.Client.Cluster;
using Platform.Client.Host.Sharding;
using Platform.Discovery;
using Platform.EventLog;
using Platform.Locks;
using Platform.Sagas;
using Platform.Sharding;
using Platform.Telemetry;

namespace Platform.Client.Host.Observability;

/// <summary>
/// What the operator console shows, read fresh for each snapshot through the typed clients and Orleans'
/// management grain: the cluster, each namespace's ring and shard map (with replica groups), the active locks,
/// topics, consumer groups, sagas, caches and services, and this process's platform counters. Each panel reads at
/// most <see cref="ObservabilityOptions.ConsoleMaxItems"/> items; a panel that fails carries its error instead.
/// Values, keys, saga inputs and owner tokens are never included.
/// </summary>
public sealed class ConsoleSnapshots : IDisposable
{
    private static readonly string LockGrainType = RuntimeTypeNameFormatter.Format(typeof(LockGrain));
    private static readonly string SagaGrainType = RuntimeTypeNameFormatter.Format(typeof(SagaInstanceGrain));
    private static readonly string GroupGrainType = RuntimeTypeNameFormatter.Format(typeof(ConsumerGroupGrain));

    private readonly IServiceProvider _services;
    private readonly IOptions<ObservabilityOptions> _options;
    private readonly MeterListener _listener = new();
    // Keyed by instrument and the one outcome-like label it has: no allocation per measurement after the first.
    private readonly ConcurrentDictionary<(string Instrument, string? Label, string? Value), StrongBox<long>> _counters = new();

    /// <summary>Starts listening to this process's Platform counters (the silo's, in the embedded host).</summary>
    public ConsoleSnapshots(IServiceProvider services, IOptions<ObservabilityOptions> options)
    {
        _services = services;
        _options = options;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PlatformMeter.Name && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    private int Max => _options.Value.ConsoleMaxItems;

    private System.Text.Json.JsonSerializerOptions Json => _services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    /// <summary>One snapshot of everything the console draws.</summary>
    public async Task<JsonObject> TakeAsync(CancellationToken cancellationToken)
    {
        var grains = _services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var snapshot = new JsonObject
        {
            ["at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["dashboard"] = _options.Value.DashboardUrl
                ?? (_services.GetService<ILocalSiloDetails>() is not null && _services.GetRequiredService<IOptions<Silo.Hosting.PlatformSiloOptions>>().Value.Dashboard ? "/dashboard" : null),
        };
        snapshot["cluster"] = await Panel(() => ClusterAsync(management, cancellationToken));
        snapshot["namespaces"] = await Panel(() => NamespacesAsync(cancellationToken));
        snapshot["locks"] = await Panel(() => LocksAsync(grains, management));
        snapshot["topics"] = await Panel(() => TopicsAsync(cancellationToken));
        snapshot["groups"] = await Panel(() => GroupsAsync(management, cancellationToken));
        snapshot["sagas"] = await Panel(() => SagasAsync(management, cancellationToken));
        snapshot["caches"] = await Panel(() => CachesAsync(cancellationToken));
        snapshot["services"] = await Panel(() => ServicesAsync(cancellationToken));
        snapshot["counters"] = Counters();
        return snapshot;
    }

    public void Dispose() => _listener.Dispose();

    private static async Task<JsonNode?> Panel(Func<Task<JsonNode?>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new JsonObject { ["error"] = ex.GetBaseException().Message };
        }
    }

    private async Task<JsonNode?> ClusterAsync(IManagementGrain management, CancellationToken ct)
    {
        var status = await _services.GetRequiredService<IClusterAdmin>().GetStatusAsync(ct);
        var events = _services.GetRequiredService<MembershipEventLog>();
        events.Observe(status.Silos, DateTimeOffset.UtcNow);
        var byType = new JsonObject();
        try
        {
            foreach (var stat in (await management.GetSimpleGrainStatistics().WaitAsync(TimeSpan.FromSeconds(3), ct))
                .GroupBy(s => ShortType(s.GrainType)).OrderByDescending(g => g.Sum(s => s.ActivationCount)).Take(Max))
            {
                byType[stat.Key] = stat.Sum(s => s.ActivationCount);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // A silo going away: the silo table still answers.
        }

        return new JsonObject
        {
            ["clusterId"] = status.ClusterId,
            ["embedded"] = status.Embedded,
            ["silos"] = new JsonArray([.. status.Silos.Select(s => (JsonNode)new JsonObject
            {
                ["address"] = s.Address,
                ["name"] = s.Name,
                ["status"] = s.Status,
                ["gateway"] = s.Gateway,
                ["activations"] = s.Activations,
                ["started"] = s.StartTime.ToString("O"),
                ["lastIAmAlive"] = s.LastIAmAlive.ToString("O"),
                ["suspicions"] = s.Suspicions.Count,
            })]),
            ["events"] = System.Text.Json.JsonSerializer.SerializeToNode(events.Recent(Max), Json),
            ["activationsByType"] = byType,
        };
    }

    private async Task<JsonNode?> NamespacesAsync(CancellationToken ct)
    {
        var admin = _services.GetRequiredService<INamespaceAdmin>();
        var page = await admin.ListAsync(new NamespaceListOptions { Limit = Max }, ct);
        var list = new JsonArray();
        foreach (var name in page.Items.Take(Max))
        {
            var settings = await admin.GetAsync(name, ct);
            var shards = await admin.GetShardMapAsync(name, includeRanges: false, ct);
            list.Add(new JsonObject
            {
                ["name"] = name,
                ["shards"] = settings.Shards,
                ["transactional"] = settings.Transactional,
                ["replicated"] = settings.Replication is not null,
                ["map"] = System.Text.Json.JsonSerializer.SerializeToNode(shards.Select(ShardMapEntry.From).ToList(), Json),
            });
        }

        return list;
    }

    private async Task<JsonNode?> LocksAsync(IClusterClient grains, IManagementGrain management)
    {
        var list = new JsonArray();
        foreach (var key in await ActiveKeysAsync(management, LockGrainType))
        {
            var view = await grains.GetGrain<ILockGrain>(key).Get();
            list.Add(new JsonObject
            {
                ["kind"] = view.Kind.ToString().ToLowerInvariant(),
                ["name"] = view.Name,
                ["lastToken"] = view.LastToken,
                ["queue"] = view.QueueLength,
                ["permits"] = view.Permits,
                ["holders"] = new JsonArray([.. view.Holders.Select(h => (JsonNode)new JsonObject
                {
                    ["owner"] = h.Owner,
                    ["token"] = h.Token,
                    ["mode"] = h.Mode.ToString().ToLowerInvariant(),
                    ["expiresAt"] = h.ExpiresAt.ToString("O"),
                })]),
            });
        }

        return list;
    }

    private async Task<JsonNode?> TopicsAsync(CancellationToken ct)
    {
        var log = _services.GetRequiredService<IEventLog>();
        var list = new JsonArray();
        foreach (var topic in (await log.ListTopicsAsync(Max, null, ct)).Items.Take(Max))
        {
            var offsets = await log.GetOffsetsAsync(topic, ct);
            list.Add(new JsonObject
            {
                ["name"] = topic,
                ["partitions"] = offsets.Count,
                ["records"] = offsets.Sum(o => o.Latest - o.Earliest),
                ["latest"] = offsets.Sum(o => o.Latest),
            });
        }

        return list;
    }

    private async Task<JsonNode?> GroupsAsync(IManagementGrain management, CancellationToken ct)
    {
        var log = _services.GetRequiredService<IEventLog>();
        var list = new JsonArray();
        foreach (var group in await ActiveKeysAsync(management, GroupGrainType))
        {
            var description = await log.DescribeGroupAsync(group, ct);
            list.Add(new JsonObject
            {
                ["name"] = group,
                ["generation"] = description.Group.Generation,
                ["members"] = description.Group.Members.Count,
                ["lag"] = description.Partitions.Sum(p => p.Lag),
                ["partitions"] = new JsonArray([.. description.Partitions.Select(p => (JsonNode)new JsonObject
                {
                    ["topic"] = p.Topic,
                    ["partition"] = p.Partition,
                    ["committed"] = p.Committed,
                    ["latest"] = p.Latest,
                    ["lag"] = p.Lag,
                })]),
            });
        }

        return list;
    }

    private async Task<JsonNode?> SagasAsync(IManagementGrain management, CancellationToken ct)
    {
        var sagas = _services.GetRequiredService<ISagas>();
        var list = new JsonArray();
        foreach (var id in await ActiveKeysAsync(management, SagaGrainType))
        {
            SagaInstanceView view;
            try
            {
                view = await sagas.GetAsync(id, ct);
            }
            catch (Platform.Errors.PlatformNotFoundException)
            {
                continue;
            }

            list.Add(new JsonObject
            {
                ["id"] = view.Id,
                ["definition"] = view.Definition,
                ["state"] = view.State,
                ["step"] = view.CurrentStep,
                ["error"] = view.Error,
                ["updatedAt"] = view.UpdatedAt.ToString("O"),
                ["history"] = new JsonArray([.. view.History.TakeLast(10).Select(a => (JsonNode)new JsonObject
                {
                    ["step"] = a.Step,
                    ["phase"] = a.Phase,
                    ["attempt"] = a.Attempt,
                    ["succeeded"] = a.Succeeded,
                    ["status"] = a.Status,
                    ["error"] = a.Error,
                })]),
            });
        }

        return list;
    }

    private async Task<JsonNode?> CachesAsync(CancellationToken ct)
    {
        var caches = _services.GetRequiredService<ICaches>();
        var list = new JsonArray();
        foreach (var cache in (await caches.ListAsync(Max, null, ct)).Items.Take(Max))
        {
            var stats = (await caches.StatsAsync(cache.Name, ct)).Total;
            var reads = stats.Hits + stats.Misses;
            list.Add(new JsonObject
            {
                ["name"] = cache.Name,
                ["entries"] = stats.Entries,
                ["bytes"] = stats.Bytes,
                ["hits"] = stats.Hits,
                ["misses"] = stats.Misses,
                ["evictions"] = stats.Evictions,
                ["hitRatio"] = reads == 0 ? null : Math.Round((double)stats.Hits / reads, 3),
            });
        }

        return list;
    }

    private async Task<JsonNode?> ServicesAsync(CancellationToken ct)
    {
        var discovery = _services.GetRequiredService<IServiceDiscovery>();
        var list = new JsonArray();
        foreach (var service in (await discovery.ListAsync(Max, null, ct)).Names.Take(Max))
        {
            var view = await discovery.GetAsync(service, cancellationToken: ct);
            list.Add(new JsonObject
            {
                ["name"] = service,
                ["instances"] = new JsonArray([.. view.Instances.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id,
                    ["address"] = $"{i.Registration.Address}:{i.Registration.Port}",
                    ["health"] = i.Health.ToString().ToLowerInvariant(),
                    ["reason"] = i.Reason,
                })]),
            });
        }

        return list;
    }

    private async Task<List<string>> ActiveKeysAsync(IManagementGrain management, string grainType)
    {
        var stats = await management.GetDetailedGrainStatistics([grainType]).WaitAsync(TimeSpan.FromSeconds(3));
        return [.. stats.Select(s => s.GrainId.Key.ToString()!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(Max)];
    }

    private static string ShortType(string type)
    {
        var comma = type.IndexOf(',', StringComparison.Ordinal);
        var name = comma < 0 ? type : type[..comma];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        (string? Label, string? Value) split = default;
        foreach (var tag in tags)
        {
            if (tag.Key is "outcome" or "reason" or "branch" or "block" or "path")
            {
                split = (tag.Key, tag.Value as string);
                break;
            }
        }

        var total = _counters.GetOrAdd((instrument.Name, split.Label, split.Value), static _ => new StrongBox<long>());
        Interlocked.Add(ref total.Value, value);
    }

    private JsonObject Counters()
    {
        var o = new JsonObject();
        foreach (var (key, total) in _counters.Select(c => (Name: c.Key.Label is null ? c.Key.Instrument : $"{c.Key.Instrument}{{{c.Key.Label}={c.Key.Value}}}", c.Value))
            .OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            o[key] = Interlocked.Read(ref total.Value);
        }

        return o;
    }
}

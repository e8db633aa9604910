using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Discovery;
using Platform.Testing.Waiting;

namespace Platform.Tests.Discovery;

/// <summary>The client host's pushed copy of a service, fed by a scripted watch: deltas applied in order, snapshots replace.</summary>
public sealed class ServiceInstanceCacheTests
{
    private static ServiceInstance Instance(string id, int port) =>
        new() { Id = id, Registration = new ServiceRegistration { Address = "10.0.0.1", Port = port } };

    private static ServiceWatchEvent Snapshot(long index, params ServiceInstance[] instances) =>
        new() { Index = index, Snapshot = new ServiceView { Service = "inventory", Index = index, Instances = instances, Reset = true } };

    private static ServiceWatchEvent Change(long index, ServiceChangeKind kind, string id, ServiceInstance? instance) =>
        new() { Index = index, Change = new ServiceChange { Index = index, Kind = kind, InstanceId = id, Instance = instance } };

    /// <summary>
    /// Deltas are applied one by one onto the first snapshot; when the watch breaks, the cache resumes from the last
    /// index it applied, and a snapshot answered there (that index fell out of the registry's retained window)
    /// replaces the list outright: instances the cache missed the removal of are gone, and later deltas apply onto it.
    /// </summary>
    [Fact]
    public async Task Deltas_ApplyInOrder_AndASnapshotAfterAResumeReplacesTheList()
    {
        var discovery = new ScriptedDiscovery();
        await using var cache = new ServiceInstanceCache(discovery, Options.Create(new DiscoveryOptions()), TimeProvider.System, NullLogger<ServiceInstanceCache>.Instance);
        var cached = cache.Get("inventory");
        async Task<string[]> After(long index)
        {
            await Eventually.Until(() => cached.Current.Index == index, $"the cache to apply index {index}");
            return [.. cached.Current.All.Select(i => $"{i.Id}:{i.Registration.Port}")];
        }

        var first = await discovery.NextWatchAsync();
        Assert.Null(first.AfterIndex);
        await first.Events.WriteAsync(Snapshot(2, Instance("a", 1), Instance("b", 1)));
        Assert.Equal(["a:1", "b:1"], await After(2));
        var token = cached.Current.ChangeToken;
        await first.Events.WriteAsync(Change(3, ServiceChangeKind.Registered, "c", Instance("c", 1)));
        Assert.Equal(["a:1", "b:1", "c:1"], await After(3));
        Assert.True(token.HasChanged);
        await first.Events.WriteAsync(Change(4, ServiceChangeKind.Updated, "b", Instance("b", 2)));
        Assert.Equal(["a:1", "b:2", "c:1"], await After(4));

        // The watch breaks; meanwhile a and c went away and d came, more changes than the registry retained.
        first.Events.Complete(new TimeoutException("the gateway went away"));
        var resumed = await discovery.NextWatchAsync();
        Assert.Equal(4, resumed.AfterIndex);
        await resumed.Events.WriteAsync(Snapshot(1_500, Instance("b", 3), Instance("d", 1)));
        Assert.Equal(["b:3", "d:1"], await After(1_500));
        await resumed.Events.WriteAsync(Change(1_501, ServiceChangeKind.Deregistered, "d", null));
        Assert.Equal(["b:3"], await After(1_501));
    }

    /// <summary>Each WatchAsync call the cache makes, in turn: the index it resumes after and the events the test feeds it.</summary>
    private sealed class ScriptedDiscovery : IServiceDiscovery
    {
        private readonly Channel<(long? AfterIndex, Channel<ServiceWatchEvent> Events)> _watches = Channel.CreateUnbounded<(long?, Channel<ServiceWatchEvent>)>();

        public async Task<(long? AfterIndex, ChannelWriter<ServiceWatchEvent> Events)> NextWatchAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var (after, events) = await _watches.Reader.ReadAsync(timeout.Token);
            return (after, events.Writer);
        }

        public IAsyncEnumerable<ServiceWatchEvent> WatchAsync(string service, long? afterIndex = null, CancellationToken cancellationToken = default)
        {
            var events = Channel.CreateUnbounded<ServiceWatchEvent>();
            _watches.Writer.TryWrite((afterIndex, events));
            return Read(events, cancellationToken);
        }

        private static async IAsyncEnumerable<ServiceWatchEvent> Read(Channel<ServiceWatchEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
            }
        }

        public Task<(ServiceInstance Instance, bool Created)> RegisterAsync(string service, string id, ServiceRegistration registration, string? owner = null, bool admin = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ServiceInstance> HeartbeatAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeregisterAsync(string service, string id, string? owner = null, bool admin = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(IReadOnlyList<string> Names, string? ContinuationToken)> ListAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ServiceView> GetAsync(string service, long? afterIndex = null, int? waitMs = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ServiceInstance> ResolveAsync(string service, ResolveRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task ReportAsync(string service, string id, OutcomeReport outcome, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

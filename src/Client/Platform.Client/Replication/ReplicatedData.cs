using System.Text;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication.Crdt;
using Platform.Replication.Quorum;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.Replication;

/// <summary>
/// <see cref="IReplicatedData"/> over the namespace router: validates, picks the key's shard and runs the operation
/// through the namespace's <see cref="LeaderlessShards"/>.
/// </summary>
internal sealed class ReplicatedData(NamespaceRouter router, IOptions<KeyValueOptions> options) : IReplicatedData
{
    /// <summary>The largest absolute counter delta one request may add.</summary>
    public const long MaxDelta = 1_000_000_000_000_000;

    /// <summary>The largest OR-set element, in UTF-8 bytes.</summary>
    public const int MaxElementBytes = 1024;

    public async Task<long> AddToCounterAsync(string ns, string key, long delta, CancellationToken cancellationToken = default)
    {
        if (delta is > MaxDelta or < -MaxDelta)
        {
            throw new PlatformValidationException("delta", $"must be between -{MaxDelta} and {MaxDelta} (got {delta})");
        }

        var state = await AcceptAsync(ns, key, ConflictMode.Crdt, "counter", new VersionedLocalWrite { Key = key, Operation = VersionedOperation.CounterAdd, Delta = delta }, cancellationToken);
        return state.Counter?.Value ?? 0;
    }

    public async Task<long> GetCounterAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(ns, key, ConflictMode.Crdt, "counter", consistency, cancellationToken);
        return state is null ? 0 : state.Counter?.Value ?? throw NotA(ns, key, state, "counter");
    }

    public async Task<IReadOnlyList<string>> AddToSetAsync(string ns, string key, string element, CancellationToken cancellationToken = default) =>
        Elements(await AcceptAsync(ns, key, ConflictMode.Crdt, "set", new VersionedLocalWrite { Key = key, Operation = VersionedOperation.SetAdd, Element = Element(element) }, cancellationToken));

    public async Task<IReadOnlyList<string>> RemoveFromSetAsync(string ns, string key, string element, CancellationToken cancellationToken = default) =>
        Elements(await AcceptAsync(ns, key, ConflictMode.Crdt, "set", new VersionedLocalWrite { Key = key, Operation = VersionedOperation.SetRemove, Element = Element(element) }, cancellationToken));

    public async Task<IReadOnlyList<string>> GetSetAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(ns, key, ConflictMode.Crdt, "set", consistency, cancellationToken);
        return state is null ? [] : state.Set is not null ? Elements(state) : throw NotA(ns, key, state, "set");
    }

    public async Task<SiblingsResult> GetSiblingsAsync(string ns, string key, ReadConsistency? consistency = null, CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(ns, key, ConflictMode.Siblings, "siblings", consistency, cancellationToken);
        var store = state?.Siblings ?? DottedStore<VersionedValue>.Empty;
        var siblings = store.Entries.Values.Where(v => !v.Tombstone).OrderByDescending(v => v.Stamp).Select(v => new KeyValueEntry
        {
            Key = key,
            Value = v.Value!,
            ContentType = v.ContentType,
            Version = v.Stamp.Pack(),
            ModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(v.Stamp.WallMs),
        }).ToList();
        return new SiblingsResult(ContextCodec.Encode(store.Context), siblings);
    }

    private static IReadOnlyList<string> Elements(KeyState state) => [.. (state.Set?.Entries.Values ?? []).Distinct().Order(StringComparer.Ordinal)];

    private static string Element(string element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var bytes = Encoding.UTF8.GetByteCount(element);
        return bytes is < 1 or > MaxElementBytes
            ? throw new PlatformValidationException("element", $"must be 1-{MaxElementBytes} UTF-8 bytes (got {bytes})")
            : element;
    }

    private static PlatformValidationException NotA(string ns, string key, KeyState state, string what) =>
        new("key", $"'{key}' in '{ns}' holds a {state.Kind.ToString().ToLowerInvariant()}, not a {what}");

    private Task<KeyState> AcceptAsync(string ns, string key, ConflictMode mode, string what, VersionedLocalWrite write, CancellationToken cancellationToken)
    {
        Checks.Key(key, options.Value.MaxKeyBytes);
        return router.RunAsync(ns, async routed =>
        {
            var shards = Leaderless(routed, mode, what);
            var accepted = await shards.AcceptAsync(routed.ShardFor(key), write);
            return KeyStateCodec.Decode(accepted.Entry!.State);
        }, cancellationToken);
    }

    private Task<KeyState?> ReadAsync(string ns, string key, ConflictMode mode, string what, ReadConsistency? consistency, CancellationToken cancellationToken)
    {
        Checks.Key(key, options.Value.MaxKeyBytes);
        return router.RunAsync(ns, async routed =>
        {
            var shards = Leaderless(routed, mode, what);
            var (states, _) = await shards.ReadStatesAsync(routed.ShardFor(key), [key], consistency);
            return states.TryGetValue(key, out var state) ? state : null;
        }, cancellationToken);
    }

    private static LeaderlessShards Leaderless(RoutedNamespace routed, ConflictMode mode, string what) =>
        routed.Access(IKeyValueShards.For) is LeaderlessShards { Replication: { Mode: ReplicationMode.MultiLeader } replication } shards && replication.Conflicts == mode
            ? shards
            : throw new PlatformValidationException("namespace",
                $"'{routed.Settings.Name}' is not a multi-leader namespace with conflicts: {mode.ToString().ToLowerInvariant()}, so it has no {what} routes; create one with \"replication\": {{\"mode\": \"multi-leader\", \"conflicts\": \"{mode.ToString().ToLowerInvariant()}\"}}");
}

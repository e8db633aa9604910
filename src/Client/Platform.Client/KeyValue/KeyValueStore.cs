using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Sharding;
using Platform.Transactions;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// Routes each key to its shard through the namespace's shard-access strategy (<see cref="IKeyValueShards"/>);
/// validates limits before anything leaves the process.
/// </summary>
internal sealed class KeyValueStore(
    NamespaceRouter router,
    TransactionClient transactions,
    IOptions<KeyValueOptions> options) : IKeyValueStore
{
    private KeyValueOptions Limits => options.Value;

    public async Task<KeyValueEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        Checks.Key(key, Limits.MaxKeyBytes);
        return await router.RunAsync(ns, routed => Shards(routed).GetAsync(routed.ShardFor(key), key), cancellationToken);
    }

    public async Task<long> PutAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default) =>
        (await PutWithResultAsync(ns, key, value, options, cancellationToken)).Version;

    public async Task<KeyValuePutResult> PutWithResultAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        Checks.Key(key, Limits.MaxKeyBytes);
        if (value.Length > Limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"The value is {value.Length} bytes; the limit (Platform:KeyValue:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }

        options ??= new KeyValuePutOptions();
        Checks.MediaType(options.ContentType, "contentType");
        var result = await WriteAsync(ns, new KeyValueWriteRequest
        {
            Key = key,
            Value = value,
            ContentType = options.ContentType,
            Condition = options.Condition,
            Fence = options.Fence,
        }, cancellationToken);
        return new KeyValuePutResult(result.Version, result.Created);
    }

    public async Task DeleteAsync(string ns, string key, KeyValueCondition? condition = null, KeyValueFence? fence = null, CancellationToken cancellationToken = default)
    {
        Checks.Key(key, Limits.MaxKeyBytes);
        var result = await WriteAsync(ns, new KeyValueWriteRequest { Key = key, Condition = condition ?? KeyValueCondition.None, Fence = fence }, cancellationToken);
        if (result.Status == KeyValueWriteStatus.NotFound)
        {
            throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        }
    }

    public async Task<KeyValuePage> ListAsync(string ns, KeyValueListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KeyValueListOptions();
        var limit = Checks.PageSize(options.Limit, Limits.DefaultListLimit, Limits.MaxListLimit);
        if (options.Prefix.Length > 0)
        {
            Checks.Key(options.Prefix, Limits.MaxKeyBytes, "prefix");
        }

        var after = ContinuationToken.Decode(options.ContinuationToken);
        return await router.RunAsync(ns, routed => ListPageAsync(Shards(routed), routed.Settings.Shards, options.Prefix, after, limit), cancellationToken);
    }

    public TransactionBuilder Transaction(string ns) => new(transactions, ns);

    /// <summary>
    /// Round one: every shard's next keys (names and sizes only); round two: values of the keys that made the page.
    /// A key deleted between the two rounds is left out; a listing is not a snapshot.
    /// </summary>
    private async Task<KeyValuePage> ListPageAsync(IKeyValueShards shards, int shardCount, string prefix, string? after, int limit)
    {
        var listings = await Task.WhenAll(Enumerable.Range(0, shardCount).Select(i => shards.ListKeysAsync(i, prefix, after, limit)));

        var candidates = new List<(KeyValueKeyInfo Info, int Shard)>();
        var anyShardFull = false;
        for (var i = 0; i < listings.Length; i++)
        {
            anyShardFull |= listings[i].Count >= limit;
            candidates.AddRange(listings[i].Select(k => (k, i)));
        }

        candidates.Sort(static (a, b) => string.CompareOrdinal(a.Info.Key, b.Info.Key));
        var page = new List<(KeyValueKeyInfo Info, int Shard)>(Math.Min(limit, candidates.Count));
        long bytes = 0;
        foreach (var candidate in candidates)
        {
            if (page.Count == limit || (page.Count > 0 && bytes + candidate.Info.Size > Limits.MaxPageBytes))
            {
                break;
            }

            page.Add(candidate);
            bytes += candidate.Info.Size;
        }

        var values = await Task.WhenAll(page.GroupBy(p => p.Shard).Select(g => shards.GetManyAsync(g.Key, [.. g.Select(p => p.Info.Key)])));
        var byKey = values.SelectMany(v => v).ToDictionary(e => e.Key, StringComparer.Ordinal);
        var items = page.Select(p => byKey.GetValueOrDefault(p.Info.Key)).OfType<KeyValueEntry>().ToList();
        var more = page.Count < candidates.Count || anyShardFull;
        return new KeyValuePage(items, more && page.Count > 0 ? ContinuationToken.Encode(page[^1].Info.Key) : null);
    }

    private async Task<KeyValueWriteResult> WriteAsync(string ns, KeyValueWriteRequest request, CancellationToken cancellationToken)
    {
        if (request.Fence is { } fence && NameRules.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", $"lock name {fenceError}");
        }

        var result = await router.RunAsync(ns, routed => Shards(routed).WriteAsync(routed.ShardFor(request.Key), request), cancellationToken);
        return result.Status switch
        {
            KeyValueWriteStatus.Ok or KeyValueWriteStatus.NotFound => result,
            KeyValueWriteStatus.PreconditionFailed => throw new PlatformPreconditionFailedException(
                $"Precondition failed for key '{request.Key}': {result.Detail}", result.Version),
            KeyValueWriteStatus.FenceRejected => throw new PlatformConflictException($"Fenced write refused: {result.Detail}"),
            _ => throw NamespaceRouter.NotFound(ns),
        };
    }

    private static IKeyValueShards Shards(RoutedNamespace routed) => routed.Access(IKeyValueShards.For);
}

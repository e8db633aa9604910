using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>Routes each key to its shard grain; validates limits before anything leaves the process.</summary>
internal sealed class KeyValueStore(IGrainFactory grains, NamespaceRouter router, IOptions<KeyValueOptions> options) : IKeyValueStore
{
    private KeyValueOptions Limits => options.Value;

    public async Task<KvEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        var routed = await router.ResolveAsync(ns, cancellationToken);
        return await Shard(routed, key).Get(key).WaitAsync(cancellationToken);
    }

    public async Task<long> PutAsync(string ns, string key, byte[] value, KvPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckKey(key);
        if (value.Length > Limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"The value is {value.Length} bytes; the limit (Platform:KeyValue:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }

        options ??= new KvPutOptions();
        var result = await WriteAsync(ns, new KvWriteRequest
        {
            Key = key,
            Value = value,
            ContentType = options.ContentType,
            Condition = options.Condition,
            Fence = options.Fence,
        }, cancellationToken);
        return result.Version;
    }

    public async Task DeleteAsync(string ns, string key, KvCondition? condition = null, KvFence? fence = null, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        var result = await WriteAsync(ns, new KvWriteRequest { Key = key, Condition = condition ?? KvCondition.None, Fence = fence }, cancellationToken);
        if (result.Status == KvWriteStatus.NotFound)
        {
            throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        }
    }

    public async Task<KvPage> ListAsync(string ns, KvListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KvListOptions();
        var limit = options.Limit ?? Limits.DefaultListLimit;
        if (limit < 1 || limit > Limits.MaxListLimit)
        {
            throw new PlatformValidationException("limit", $"must be between 1 and {Limits.MaxListLimit} (got {limit})");
        }

        if (options.Prefix.Length > 0 && NameRules.CheckKey(options.Prefix, Limits.MaxKeyBytes) is { } prefixError)
        {
            throw new PlatformValidationException("prefix", prefixError);
        }

        var after = DecodeToken(options.ContinuationToken);
        var routed = await router.ResolveAsync(ns, cancellationToken);

        // Round one: every shard's next keys (names and sizes only); round two: values of the keys that made the page.
        var shardCount = routed.Settings.Shards;
        var listings = await Task.WhenAll(Enumerable.Range(0, shardCount)
            .Select(i => grains.GetGrain<IKvShardGrain>(routed.ShardKey(i)).ListKeys(options.Prefix, after, limit)))
            .WaitAsync(cancellationToken);

        var candidates = new List<(KvKeyInfo Info, int Shard)>();
        var anyShardFull = false;
        for (var i = 0; i < listings.Length; i++)
        {
            anyShardFull |= listings[i].Count >= limit;
            candidates.AddRange(listings[i].Select(k => (k, i)));
        }

        candidates.Sort(static (a, b) => string.CompareOrdinal(a.Info.Key, b.Info.Key));
        var page = new List<(KvKeyInfo Info, int Shard)>(Math.Min(limit, candidates.Count));
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

        var values = await Task.WhenAll(page.GroupBy(p => p.Shard)
            .Select(g => grains.GetGrain<IKvShardGrain>(routed.ShardKey(g.Key)).GetMany([.. g.Select(p => p.Info.Key)])))
            .WaitAsync(cancellationToken);
        var byKey = values.SelectMany(v => v).ToDictionary(e => e.Key, StringComparer.Ordinal);

        // A key deleted between the two rounds is left out; a listing is not a snapshot.
        var items = page.Select(p => byKey.GetValueOrDefault(p.Info.Key)).OfType<KvEntry>().ToList();
        var more = page.Count < candidates.Count || anyShardFull;
        return new KvPage(items, more && page.Count > 0 ? EncodeToken(page[^1].Info.Key) : null);
    }

    private async Task<KvWriteResult> WriteAsync(string ns, KvWriteRequest request, CancellationToken cancellationToken)
    {
        if (request.Fence is { } fence && NameRules.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", $"lock name {fenceError}");
        }

        for (var attempt = 0; ; attempt++)
        {
            var routed = await router.ResolveAsync(ns, cancellationToken);
            var result = await Shard(routed, request.Key).Write(request).WaitAsync(cancellationToken);
            switch (result.Status)
            {
                case KvWriteStatus.Ok or KvWriteStatus.NotFound:
                    return result;
                case KvWriteStatus.PreconditionFailed:
                    throw new PlatformPreconditionFailedException(
                        $"Precondition failed for key '{request.Key}': {result.Detail}", result.Version);
                case KvWriteStatus.FenceRejected:
                    throw new PlatformConflictException($"Fenced write refused: {result.Detail}");
                case KvWriteStatus.NamespaceGone when attempt == 0:
                    router.Invalidate(ns);
                    continue;
                default:
                    throw new PlatformNotFoundException($"Namespace '{ns}' does not exist.");
            }
        }
    }

    private IKvShardGrain Shard(RoutedNamespace routed, string key) =>
        routed.KvShard(grains, routed.ShardFor(key));

    private void CheckKey(string key)
    {
        if (NameRules.CheckKey(key, Limits.MaxKeyBytes) is { } error)
        {
            throw new PlatformValidationException("key", error);
        }
    }

    private static string EncodeToken(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new PlatformValidationException("continuationToken", "is not a token this API returned");
        }
    }
}

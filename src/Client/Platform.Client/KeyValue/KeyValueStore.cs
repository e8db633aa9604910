using Platform.Sharding;
using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Transactions;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>Routes each key to its shard grain; validates limits before anything leaves the process.</summary>
internal sealed class KeyValueStore(
    IGrainFactory grains,
    NamespaceRouter router,
    IOptions<KeyValueOptions> options,
    IOptions<TransactionOptions> transactionOptions) : IKeyValueStore
{
    private KeyValueOptions Limits => options.Value;

    public async Task<KeyValueEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        var routed = await router.ResolveAsync(ns, cancellationToken);
        var shard = routed.ShardFor(key);
        var get = routed.Settings.Transactional
            ? Transactional(() => routed.TransactionShard(grains, shard).Get(key))
            : routed.KeyValueShard(grains, shard).Get(key);
        return await get.WaitAsync(cancellationToken);
    }

    public async Task<long> PutAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default) =>
        (await PutWithResultAsync(ns, key, value, options, cancellationToken)).Version;

    public async Task<KeyValuePutResult> PutWithResultAsync(string ns, string key, byte[] value, KeyValuePutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckKey(key);
        if (value.Length > Limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"The value is {value.Length} bytes; the limit (Platform:KeyValue:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }

        options ??= new KeyValuePutOptions();
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
        CheckKey(key);
        var result = await WriteAsync(ns, new KeyValueWriteRequest { Key = key, Condition = condition ?? KeyValueCondition.None, Fence = fence }, cancellationToken);
        if (result.Status == KeyValueWriteStatus.NotFound)
        {
            throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        }
    }

    public async Task<KeyValuePage> ListAsync(string ns, KeyValueListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KeyValueListOptions();
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
        // Transactional shards answer each call as its own read-only transaction: a page is consistent per shard, not across shards.
        var txn = routed.Settings.Transactional;
        var listings = await Task.WhenAll(Enumerable.Range(0, shardCount)
            .Select(i => txn
                ? Transactional(() => routed.TransactionShard(grains, i).ListKeys(options.Prefix, after, limit))
                : routed.KeyValueShard(grains, i).ListKeys(options.Prefix, after, limit)))
            .WaitAsync(cancellationToken);

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

        var values = await Task.WhenAll(page.GroupBy(p => p.Shard)
            .Select(g => txn
                ? Transactional(() => routed.TransactionShard(grains, g.Key).GetMany([.. g.Select(p => p.Info.Key)]))
                : routed.KeyValueShard(grains, g.Key).GetMany([.. g.Select(p => p.Info.Key)])))
            .WaitAsync(cancellationToken);
        var byKey = values.SelectMany(v => v).ToDictionary(e => e.Key, StringComparer.Ordinal);

        // A key deleted between the two rounds is left out; a listing is not a snapshot.
        var items = page.Select(p => byKey.GetValueOrDefault(p.Info.Key)).OfType<KeyValueEntry>().ToList();
        var more = page.Count < candidates.Count || anyShardFull;
        return new KeyValuePage(items, more && page.Count > 0 ? EncodeToken(page[^1].Info.Key) : null);
    }

    private async Task<KeyValueWriteResult> WriteAsync(string ns, KeyValueWriteRequest request, CancellationToken cancellationToken)
    {
        if (request.Fence is { } fence && NameRules.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", $"lock name {fenceError}");
        }

        for (var attempt = 0; ; attempt++)
        {
            var routed = await router.ResolveAsync(ns, cancellationToken);
            var shard = routed.ShardFor(request.Key);
            var write = routed.Settings.Transactional
                ? Transactional(() => routed.TransactionShard(grains, shard).Write(request))
                : routed.KeyValueShard(grains, shard).Write(request);
            var result = await write.WaitAsync(cancellationToken);
            switch (result.Status)
            {
                case KeyValueWriteStatus.Ok or KeyValueWriteStatus.NotFound:
                    return result;
                case KeyValueWriteStatus.PreconditionFailed:
                    throw new PlatformPreconditionFailedException(
                        $"Precondition failed for key '{request.Key}': {result.Detail}", result.Version);
                case KeyValueWriteStatus.FenceRejected:
                    throw new PlatformConflictException($"Fenced write refused: {result.Detail}");
                case KeyValueWriteStatus.NamespaceGone when attempt == 0:
                    router.Invalidate(ns);
                    continue;
                default:
                    throw new PlatformNotFoundException($"Namespace '{ns}' does not exist.");
            }
        }
    }

    public TransactionBuilder Transaction(string ns) => new(this, ns);

    /// <summary>Validates and routes a transaction, runs it on a coordinator, and maps a failure to a Platform exception.</summary>
    internal async Task<TransactionResult> CommitAsync(string ns, IReadOnlyList<TransactionCompare> compare, IReadOnlyList<TransactionOp> success, IReadOnlyList<TransactionOp> failure, CancellationToken cancellationToken)
    {
        var maxOps = transactionOptions.Value.MaxOps;
        CheckCount("compare", compare.Count, maxOps);
        CheckCount("success", success.Count, maxOps);
        CheckCount("failure", failure.Count, maxOps);
        for (var i = 0; i < compare.Count; i++)
        {
            CheckCompare($"compare[{i}]", compare[i]);
        }

        CheckOps("success", success);
        CheckOps("failure", failure);

        for (var attempt = 0; ; attempt++)
        {
            var routed = await router.ResolveAsync(ns, cancellationToken);
            if (!routed.Settings.Transactional)
            {
                throw new PlatformValidationException("namespace", $"'{ns}' is not transactional; create a namespace with \"transactional\": true for transactions");
            }

            var request = new TransactionSpec
            {
                Namespace = routed.Settings,
                Compare = [.. compare.Select(c => c with { Shard = routed.ShardFor(c.Key) })],
                Success = [.. success.Select(o => o with { Shard = routed.ShardFor(o.Key) })],
                Failure = [.. failure.Select(o => o with { Shard = routed.ShardFor(o.Key) })],
            };
            try
            {
                return await grains.GetGrain<ITransactionCoordinatorGrain>(0).Execute(request).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (TransactionFailures.Classify(ex) is { } failed)
            {
                if (failed.Reason == TransactionFailures.NamespaceGone && attempt == 0)
                {
                    router.Invalidate(ns);
                    continue;
                }

                throw failed.Reason == TransactionFailures.NamespaceGone
                    ? new PlatformNotFoundException($"Namespace '{ns}' does not exist.")
                    : failed;
            }
        }
    }

    private void CheckCompare(string field, TransactionCompare compare)
    {
        CheckKey(compare.Key, $"{field}.key");
        if (!Enum.IsDefined(compare.Target))
        {
            throw new PlatformValidationException($"{field}.target", "must be one of: version, value, exists");
        }

        if (!Enum.IsDefined(compare.Op))
        {
            throw new PlatformValidationException($"{field}.op", "must be one of: ==, !=, <, <=, >, >=");
        }

        if (compare.Value is null)
        {
            throw new PlatformValidationException($"{field}.value", "is required");
        }

        switch (compare.Target)
        {
            case TransactionCompareTarget.Version when !TransactionIntegers.TryParse(compare.Value, out var version) || version < 0:
                throw new PlatformValidationException($"{field}.value", "must be a version: an integer of 0 or more");
            case TransactionCompareTarget.Exists when compare.Op is not (TransactionCompareOp.Equal or TransactionCompareOp.NotEqual):
                throw new PlatformValidationException($"{field}.op", "must be == or != with target exists");
            case TransactionCompareTarget.Exists when !(compare.Value.AsSpan().SequenceEqual("true"u8) || compare.Value.AsSpan().SequenceEqual("false"u8)):
                throw new PlatformValidationException($"{field}.value", "must be true or false with target exists");
            case TransactionCompareTarget.Value when compare.Value.Length > Limits.MaxValueBytes:
                throw new PlatformPayloadTooLargeException($"{field}.value is {compare.Value.Length} bytes; the limit (Platform:KeyValue:MaxValueBytes) is {Limits.MaxValueBytes}.");
        }
    }

    private void CheckOps(string list, IReadOnlyList<TransactionOp> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var field = $"{list}[{i}]";
            var op = ops[i];
            if (!Enum.IsDefined(op.Kind))
            {
                throw new PlatformValidationException($"{field}.op", "must be one of: get, put, delete, add");
            }

            CheckKey(op.Key, $"{field}.key");
            if (op.Kind == TransactionOpKind.Put)
            {
                if (op.Value is null)
                {
                    throw new PlatformValidationException($"{field}.value", "is required for put");
                }

                if (op.Value.Length > Limits.MaxValueBytes)
                {
                    throw new PlatformPayloadTooLargeException($"{field}.value is {op.Value.Length} bytes; the limit (Platform:KeyValue:MaxValueBytes) is {Limits.MaxValueBytes}.");
                }
            }
        }
    }

    private static void CheckCount(string field, int count, int max)
    {
        if (count > max)
        {
            throw new PlatformValidationException(field, $"holds {count} entries; at most {max} are allowed (Platform:Transactions:MaxOps)");
        }
    }

    /// <summary>A call to a transactional shard outside any transaction, mapped like a transaction's failure.</summary>
    private static async Task<T> Transactional<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (TransactionFailures.Classify(ex) is { } failed && failed.Reason != TransactionFailures.NamespaceGone)
        {
            throw failed;
        }
    }

    private void CheckKey(string key, string field = "key")
    {
        if (NameRules.CheckKey(key, Limits.MaxKeyBytes) is { } error)
        {
            throw new PlatformValidationException(field, error);
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

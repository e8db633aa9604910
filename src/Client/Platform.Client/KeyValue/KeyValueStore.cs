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
        return await router.RunAsync(ns, routed => KeyValueListing.PageAsync(Shards(routed), routed.Settings.Shards, options.Prefix, after, limit, Limits.MaxPageBytes), cancellationToken);
    }

    public TransactionBuilder Transaction(string ns) => new(transactions, ns);

    private async Task<KeyValueWriteResult> WriteAsync(string ns, KeyValueWriteRequest request, CancellationToken cancellationToken)
    {
        if (request.Fence is { } fence && KeyValueFence.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", fenceError);
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

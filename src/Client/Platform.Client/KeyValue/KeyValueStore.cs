using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Replication;
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
    IOptions<KeyValueOptions> options,
    IOptions<ReplicationOptions> replication) : IKeyValueStore
{
    private KeyValueOptions Limits => options.Value;

    public async Task<KeyValueEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        (await ReadAsync(ns, key, null, cancellationToken)).Entry;

    public async Task<KeyValueReadResult> ReadAsync(string ns, string key, KeyValueReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        Checks.Key(key, Limits.MaxKeyBytes);
        options ??= new KeyValueReadOptions();
        if (options.Wait is { } wait && (wait < TimeSpan.Zero || wait > replication.Value.MaxSessionWait))
        {
            throw new PlatformValidationException("waitMs", $"must be between 0 and {replication.Value.MaxSessionWait.TotalMilliseconds:0} (Platform:Replication:MaxSessionWait) (got {wait.TotalMilliseconds:0})");
        }

        if (options.Consistency is { } consistency && !Enum.IsDefined(consistency))
        {
            throw new PlatformValidationException("consistency", $"must be one of: strong, session, eventual, one, quorum, all (got {consistency})");
        }

        return await router.RunAsync(ns, async routed =>
        {
            var shard = routed.ShardFor(key);
            var read = new ShardRead(options.Consistency, options.Session?.IndexOf(ns, routed.Settings.Generation, shard) ?? 0, options.Wait);
            var (entry, served) = await Shards(routed).GetAsync(shard, key, read);
            return new KeyValueReadResult(entry, served, Advance(options.Session, routed, shard, served?.AppliedIndex ?? 0));
        }, cancellationToken);
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
        var (result, session, served) = await WriteAsync(ns, new KeyValueWriteRequest
        {
            Key = key,
            Value = value,
            ContentType = options.ContentType,
            Condition = options.Condition,
            Fence = options.Fence,
            Context = options.Context is null ? null : ContextCodec.Parse(options.Context, "Platform-Context"),
            Consistency = options.Consistency,
        }, options.Session, cancellationToken);
        return new KeyValuePutResult(result.Version, result.Created) { Session = session, Served = served };
    }

    public Task DeleteAsync(string ns, string key, KeyValueCondition? condition = null, KeyValueFence? fence = null, CancellationToken cancellationToken = default) =>
        DeleteWithSessionAsync(ns, key, condition, fence, null, cancellationToken: cancellationToken);

    public async Task<SessionToken?> DeleteWithSessionAsync(string ns, string key, KeyValueCondition? condition, KeyValueFence? fence, SessionToken? session, string? context = null, ReadConsistency? consistency = null, CancellationToken cancellationToken = default)
    {
        Checks.Key(key, Limits.MaxKeyBytes);
        var request = new KeyValueWriteRequest
        {
            Key = key,
            Condition = condition ?? KeyValueCondition.None,
            Fence = fence,
            Context = context is null ? null : ContextCodec.Parse(context, "Platform-Context"),
            Consistency = consistency,
        };
        var (result, advanced, _) = await WriteAsync(ns, request, session, cancellationToken);
        if (result.Status == KeyValueWriteStatus.NotFound)
        {
            throw new PlatformNotFoundException($"Key '{key}' does not exist in namespace '{ns}'.");
        }

        return advanced;
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
        return await router.RunAsync(ns, routed => KeyValueListing.PageAsync(
            Shards(routed),
            routed.Settings.Shards,
            options.Prefix,
            after,
            limit,
            Limits.MaxPageBytes,
            shard => new ShardRead(options.Consistency, options.Session?.IndexOf(ns, routed.Settings.Generation, shard) ?? 0)), cancellationToken);
    }

    public TransactionBuilder Transaction(string ns) => new(transactions, ns);

    private async Task<(KeyValueWriteResult Result, SessionToken? Session, ReplicaServed? Served)> WriteAsync(
        string ns, KeyValueWriteRequest request, SessionToken? session, CancellationToken cancellationToken)
    {
        if (request.Fence is { } fence && KeyValueFence.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", fenceError);
        }

        var (result, advanced, served) = await router.RunAsync(ns, async routed =>
        {
            var shard = routed.ShardFor(request.Key);
            var written = await Shards(routed).WriteAsync(shard, request);
            return (written.Result, Advance(session, routed, shard, written.Index), written.Served);
        }, cancellationToken);
        return result.Status switch
        {
            KeyValueWriteStatus.Ok or KeyValueWriteStatus.NotFound => (result, advanced, served),
            KeyValueWriteStatus.PreconditionFailed => throw new PlatformPreconditionFailedException(
                $"Precondition failed for key '{request.Key}': {result.Detail}", result.Version),
            KeyValueWriteStatus.FenceRejected => throw new PlatformConflictException($"Fenced write refused: {result.Detail}"),
            _ => throw NamespaceRouter.NotFound(ns),
        };
    }

    private static IKeyValueShards Shards(RoutedNamespace routed) => routed.Access(IKeyValueShards.For);

    /// <summary>The session advanced to <paramref name="index"/> on a shard of a replicated namespace; unchanged otherwise.</summary>
    private static SessionToken? Advance(SessionToken? session, RoutedNamespace routed, int shard, long index) =>
        routed.Settings.Replication is null || index <= 0
            ? session
            : (session ?? SessionToken.Empty).With(routed.Settings.Name, routed.Settings.Generation, shard, index);
}

using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Validation;

namespace Platform.Transactions;

/// <summary>Validates and routes a multi-key transaction, runs it on a coordinator, and maps a failure to a Platform exception.</summary>
internal sealed class TransactionClient(
    IGrainFactory grains,
    NamespaceRouter router,
    IOptions<KeyValueOptions> keyValueOptions,
    IOptions<TransactionOptions> options)
{
    private KeyValueOptions Limits => keyValueOptions.Value;

    public async Task<TransactionResult> CommitAsync(string ns, IReadOnlyList<TransactionCompare> compare, IReadOnlyList<TransactionOp> success, IReadOnlyList<TransactionOp> failure, CancellationToken cancellationToken)
    {
        // Counts first, so an oversized request is refused before any entry is checked.
        var maxOps = options.Value.MaxOps;
        const string setting = TransactionOptions.SectionName + ":MaxOps";
        Checks.Count("compare", compare.Count, maxOps, setting);
        Checks.Count("success", success.Count, maxOps, setting);
        Checks.Count("failure", failure.Count, maxOps, setting);
        for (var i = 0; i < compare.Count; i++)
        {
            CheckCompare($"compare[{i}]", compare[i]);
        }

        CheckOps("success", success);
        CheckOps("failure", failure);

        return await router.RunAsync(ns, async routed =>
        {
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
                return await grains.GetGrain<ITransactionCoordinatorGrain>(0).Execute(request);
            }
            catch (Exception ex) when (TransactionFailures.Classify(ex) is { } failed)
            {
                throw failed.Reason == TransactionFailures.NamespaceGone ? new NamespaceGoneException(failed.Message, ex) : failed;
            }
        }, cancellationToken);
    }

    private void CheckCompare(string field, TransactionCompare compare)
    {
        Checks.Key(compare.Key, Limits.MaxKeyBytes, $"{field}.key");
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

            Checks.Key(op.Key, Limits.MaxKeyBytes, $"{field}.key");
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

                Checks.MediaType(op.ContentType, $"{field}.contentType");
            }
        }
    }
}

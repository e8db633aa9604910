using Microsoft.Extensions.Options;
using Platform.KeyValue;
using Platform.Transactions;

namespace Shop;

/// <summary>
/// Applies a service's effect at most once per <c>Idempotency-Key</c>: the effect's writes and the key's record commit
/// in one transaction that requires the record to be absent, so a retried or resumed call (the saga resends a step
/// with the same key after a crash) finds the record and changes nothing. Each applied effect also adds 1 to
/// <c>count:{key}</c>, so a test can check that every effect happened exactly once.
/// </summary>
public sealed class ShopEffects(IKeyValueStore kv, IOptions<ShopOptions> options)
{
    private string Namespace => options.Value.Namespace;

    public async Task<EffectOutcome> ApplyOnceAsync(string effect, string idempotencyKey, IReadOnlyList<TransactionCompare> conditions, IReadOnlyList<TransactionOp> ops, CancellationToken cancellationToken)
    {
        var marker = $"idem:{idempotencyKey}";
        var result = await kv.Transaction(Namespace)
            .If([TransactionCompare.Exists(marker, false), .. conditions])
            .Then([TransactionOp.Put(marker, effect), TransactionOp.Add($"count:{idempotencyKey}", 1), .. ops])
            .Else(TransactionOp.Get(marker))
            .CommitAsync(cancellationToken);
        return result.Succeeded ? EffectOutcome.Applied
            : result.Results[0].Found ? EffectOutcome.AlreadyApplied
            : EffectOutcome.Refused;
    }

    /// <summary>How many times the effect of <paramref name="idempotencyKey"/> was applied (0 or 1, unless idempotency is broken).</summary>
    public async Task<long> CountAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var entry = await kv.GetAsync(Namespace, $"count:{idempotencyKey}", cancellationToken);
        return entry is null ? 0 : long.Parse(System.Text.Encoding.UTF8.GetString(entry.Value), System.Globalization.CultureInfo.InvariantCulture);
    }
}

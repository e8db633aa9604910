using Platform.KeyValue;

namespace Platform.Transactions;

/// <summary>Evaluates a transaction's comparisons against the entries read inside it.</summary>
internal static class TransactionEvaluator
{
    public static bool Holds(TransactionCompare compare, KeyValueEntry? entry)
    {
        switch (compare.Target)
        {
            case TransactionCompareTarget.Version:
                return TransactionIntegers.TryParse(compare.Value, out var expected) && Test(compare.Op, (entry?.Version ?? 0).CompareTo(expected));
            case TransactionCompareTarget.Exists:
                var wanted = compare.Value.AsSpan().SequenceEqual("true"u8);
                return compare.Op switch
                {
                    TransactionCompareOp.Equal => (entry is not null) == wanted,
                    TransactionCompareOp.NotEqual => (entry is not null) != wanted,
                    _ => false,
                };
            case TransactionCompareTarget.Value:
                if (entry is null)
                {
                    return false;
                }

                var order = TransactionIntegers.TryParse(entry.Value, out var actualNumber) && TransactionIntegers.TryParse(compare.Value, out var expectedNumber)
                    ? actualNumber.CompareTo(expectedNumber)
                    : entry.Value.AsSpan().SequenceCompareTo(compare.Value);
                return Test(compare.Op, order);
            default:
                return false;
        }
    }

    private static bool Test(TransactionCompareOp op, int order) => op switch
    {
        TransactionCompareOp.Equal => order == 0,
        TransactionCompareOp.NotEqual => order != 0,
        TransactionCompareOp.Less => order < 0,
        TransactionCompareOp.LessOrEqual => order <= 0,
        TransactionCompareOp.Greater => order > 0,
        TransactionCompareOp.GreaterOrEqual => order >= 0,
        _ => false,
    };
}

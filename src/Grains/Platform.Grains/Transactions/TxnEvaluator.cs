using Platform.KeyValue;

namespace Platform.Transactions;

/// <summary>Evaluates a transaction's comparisons against the entries read inside it.</summary>
internal static class TxnEvaluator
{
    public static bool Holds(TxnCompare compare, KvEntry? entry)
    {
        switch (compare.Target)
        {
            case TxnCompareTarget.Version:
                return TxnIntegers.TryParse(compare.Value, out var expected) && Test(compare.Op, (entry?.Version ?? 0).CompareTo(expected));
            case TxnCompareTarget.Exists:
                var wanted = compare.Value.AsSpan().SequenceEqual("true"u8);
                return compare.Op switch
                {
                    TxnCompareOp.Equal => (entry is not null) == wanted,
                    TxnCompareOp.NotEqual => (entry is not null) != wanted,
                    _ => false,
                };
            case TxnCompareTarget.Value:
                if (entry is null)
                {
                    return false;
                }

                var order = TxnIntegers.TryParse(entry.Value, out var actualNumber) && TxnIntegers.TryParse(compare.Value, out var expectedNumber)
                    ? actualNumber.CompareTo(expectedNumber)
                    : entry.Value.AsSpan().SequenceCompareTo(compare.Value);
                return Test(compare.Op, order);
            default:
                return false;
        }
    }

    private static bool Test(TxnCompareOp op, int order) => op switch
    {
        TxnCompareOp.Equal => order == 0,
        TxnCompareOp.NotEqual => order != 0,
        TxnCompareOp.Less => order < 0,
        TxnCompareOp.LessOrEqual => order <= 0,
        TxnCompareOp.Greater => order > 0,
        TxnCompareOp.GreaterOrEqual => order >= 0,
        _ => false,
    };
}

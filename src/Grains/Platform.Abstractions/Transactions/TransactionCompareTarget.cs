namespace Platform.Transactions;

/// <summary>What a transaction's comparison looks at.</summary>
[GenerateSerializer, Alias("Platform.TxnCompareTarget")]
public enum TransactionCompareTarget
{
    /// <summary>The key's version (0 when it does not exist).</summary>
    Version = 0,

    /// <summary>The key's value: numeric when both sides are integers in text, else ordinal on the bytes; false for a missing key.</summary>
    Value = 1,

    /// <summary>Whether the key exists, compared with true or false (== and != only).</summary>
    Exists = 2,
}

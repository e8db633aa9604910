namespace Platform.Transactions;

/// <summary>A comparison operator: <c>== != &lt; &lt;= &gt; &gt;=</c>.</summary>
[GenerateSerializer, Alias("Platform.TxnCompareOp")]
public enum TransactionCompareOp
{
    Equal = 0,
    NotEqual = 1,
    Less = 2,
    LessOrEqual = 3,
    Greater = 4,
    GreaterOrEqual = 5,
}

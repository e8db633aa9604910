namespace Platform.Transactions;

/// <summary>A committed transaction: whether every comparison held, and one result per operation of the branch that ran.</summary>
[GenerateSerializer, Immutable, Alias("Platform.TxnResult")]
public sealed record TransactionResult
{
    [Id(0)] public bool Succeeded { get; init; }

    [Id(1)] public IReadOnlyList<TransactionOpResult> Results { get; init; } = [];
}

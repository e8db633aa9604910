using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>A validated, routed transaction as the coordinator runs it.</summary>
[GenerateSerializer, Immutable, Alias("Platform.TxnRequest")]
public sealed record TransactionSpec
{
    [Id(0)] public required NamespaceSettings Namespace { get; init; }

    [Id(1)] public IReadOnlyList<TransactionCompare> Compare { get; init; } = [];

    [Id(2)] public IReadOnlyList<TransactionOp> Success { get; init; } = [];

    [Id(3)] public IReadOnlyList<TransactionOp> Failure { get; init; } = [];
}

namespace Platform.Transactions;

/// <summary>
/// The outcome of one operation: a get's value and version (<see cref="Found"/> false when absent), a put's or
/// add's new version (and an add's new value), a delete's removed version (<see cref="Found"/> false when absent).
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.TxnOpResult")]
public sealed record TransactionOpResult
{
    [Id(0)] public TransactionOpKind Kind { get; init; }

    [Id(1)] public required string Key { get; init; }

    [Id(2)] public bool Found { get; init; }

    [Id(3)] public long Version { get; init; }

    [Id(4)] public byte[]? Value { get; init; }

    [Id(5)] public string? ContentType { get; init; }
}

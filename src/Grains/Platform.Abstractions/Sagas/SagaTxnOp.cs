namespace Platform.Sagas;

/// <summary>One write of a <c>txn</c> step: <c>put</c> (key, value), <c>delete</c> (key) or <c>add</c> (key, amount); key and value are templates.</summary>
[GenerateSerializer, Alias("Platform.SagaTxnOp")]
public sealed record SagaTxnOp
{
    [Id(0)] public string Op { get; init; } = "";

    [Id(1)] public string Key { get; init; } = "";

    [Id(2)] public string? Value { get; init; }

    [Id(3)] public long Amount { get; init; }
}

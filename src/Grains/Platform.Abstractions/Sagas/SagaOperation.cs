namespace Platform.Sagas;

/// <summary>
/// A step's action or compensation. <c>http</c>: <see cref="Method"/>, <see cref="Url"/>, <see cref="Body"/> (templates)
/// and <see cref="Expect"/> (default any 2xx). <c>kv</c>: <see cref="Op"/> (<c>put</c>, <c>delete</c>),
/// <see cref="Namespace"/>, <see cref="Key"/>, <see cref="Value"/> (templates), <see cref="IfVersion"/>,
/// <see cref="IfAbsent"/>.
/// </summary>
[GenerateSerializer, Alias("Platform.SagaOperation")]
public sealed record SagaOperation
{
    [Id(0)] public string Kind { get; init; } = "";

    [Id(1)] public string? Method { get; init; }

    [Id(2)] public string? Url { get; init; }

    [Id(3)] public string? Body { get; init; }

    [Id(4)] public IReadOnlyList<int>? Expect { get; init; }

    [Id(5)] public string? Op { get; init; }

    [Id(6)] public string? Namespace { get; init; }

    [Id(7)] public string? Key { get; init; }

    [Id(8)] public string? Value { get; init; }

    [Id(9)] public long? IfVersion { get; init; }

    [Id(10)] public bool IfAbsent { get; init; }
}

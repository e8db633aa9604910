namespace Platform.Replication.Quorum;

/// <summary>A multi-leader write: a put or delete (with the causal context the writer saw, for siblings), a counter delta or a set element.</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedLocalWrite")]
public sealed record VersionedLocalWrite
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required VersionedOperation Operation { get; init; }

    [Id(2)] public byte[]? Value { get; init; }

    [Id(3)] public string? ContentType { get; init; }

    /// <summary>Siblings: the encoded version vector of the siblings the writer saw (null: none, so the write adds a sibling).</summary>
    [Id(4)] public byte[]? Context { get; init; }

    [Id(5)] public long Delta { get; init; }

    [Id(6)] public string? Element { get; init; }
}

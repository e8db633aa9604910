namespace Platform.Replication.Quorum;

/// <summary>A replica's Merkle tree: its root and leaves (fixed bucket count by key hash).</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedMerkle")]
public sealed record VersionedMerkle
{
    [Id(0)] public bool Live { get; init; } = true;

    [Id(1)] public ulong Root { get; init; }

    [Id(2)] public ulong[] Leaves { get; init; } = [];
}

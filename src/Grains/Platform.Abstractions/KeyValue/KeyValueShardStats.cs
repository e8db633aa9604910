namespace Platform.KeyValue;

/// <summary>What one shard holds and where it runs.</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvShardStats")]
public sealed record KeyValueShardStats
{
    [Id(0)] public required string Silo { get; init; }

    [Id(1)] public long Keys { get; init; }

    [Id(2)] public long Bytes { get; init; }
}

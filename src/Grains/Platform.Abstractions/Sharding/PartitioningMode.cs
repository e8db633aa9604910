namespace Platform.Sharding;

/// <summary>How a namespace maps keys to shards.</summary>
[GenerateSerializer, Alias("Platform.PartitioningMode")]
public enum PartitioningMode
{
    /// <summary>Consistent hashing of the key's bytes onto a ring with virtual nodes.</summary>
    Hash = 0,
}

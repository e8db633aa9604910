namespace Platform.Sharding;

/// <summary>One shard in a namespace's shard map.</summary>
public sealed record ShardInfo
{
    public required int Shard { get; init; }

    public required string Grain { get; init; }

    public required string Silo { get; init; }

    public long Keys { get; init; }

    public long Bytes { get; init; }

    /// <summary>The fraction of the hash ring this shard owns.</summary>
    public double Ownership { get; init; }

    /// <summary>The ring ranges it owns, when asked for.</summary>
    public IReadOnlyList<TokenRange>? Ranges { get; init; }
}

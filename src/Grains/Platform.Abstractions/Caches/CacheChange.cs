namespace Platform.Caches;

/// <summary>
/// A push to near caches: these keys of one shard changed (null: every key of the shard). <see cref="Sequence"/> is
/// the shard's change counter; a receiver that sees anything but its last plus one missed a change.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheChange")]
public sealed record CacheChange
{
    [Id(0)] public required string Cache { get; init; }

    [Id(1)] public long Generation { get; init; }

    [Id(2)] public int Shard { get; init; }

    [Id(3)] public long Sequence { get; init; }

    [Id(4)] public IReadOnlyList<string>? Keys { get; init; }
}

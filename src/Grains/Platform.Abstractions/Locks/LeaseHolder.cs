namespace Platform.Locks;

/// <summary>One granted lease: its owner, fencing token, mode, permits and expiry.</summary>
[GenerateSerializer, Immutable, Alias("Platform.LeaseHolder")]
public sealed record LeaseHolder
{
    [Id(0)] public required string Owner { get; init; }

    /// <summary>The fencing token (an election's term): unique and strictly increasing over every grant of this name.</summary>
    [Id(1)] public required long Token { get; init; }

    [Id(2)] public LeaseMode Mode { get; init; }

    [Id(3)] public int Count { get; init; } = 1;

    [Id(4)] public required DateTimeOffset ExpiresAt { get; init; }

    [Id(5)] public DateTimeOffset GrantedAt { get; init; }
}
